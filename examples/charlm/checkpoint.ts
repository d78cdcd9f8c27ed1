import { Tensor } from '@torchlet/core';
import { loadWithMetadata, save, type Module } from '@torchlet/nn';
import type { Optimizer, OptimizerStateDict } from '@torchlet/optim';
import type { Metrics } from './report.js';
import { type Json, joinTensors, splitTensors } from '../shared/tensor-tree.js';

/**
 * One safetensors file holds a resumable run: the model's state dict under `model.` (PyTorch's keys after the
 * prefix), the optimizer's tensors under `optim.`, and the optimizer's JSON skeleton, the finished epochs and the
 * metrics (with the run's config) in the header's metadata.
 */
export const FORMAT = 'torchlet-charlm-checkpoint-v1';


export function saveCheckpoint(path: string, model: Module, optimizer: Optimizer, epoch: number, metrics: Metrics): void {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(model.stateDict())) tensors[`model.${k}`] = t;
  const skeleton = splitTensors(optimizer.stateDict(), 'optim', tensors);
  save(tensors, path, { metadata: { format: FORMAT, epoch: String(epoch), optimizer: JSON.stringify(skeleton), metrics: JSON.stringify(metrics) } });
}

/** The metrics (and so the config) a checkpoint was written with, before any model is built. */
export function readCheckpointMetrics(path: string): Metrics {
  const { metadata } = loadWithMetadata(path);
  if (metadata.format !== FORMAT) throw new Error(`--resume: ${path} is not a checkpoint written by pnpm charlm (metadata format ${JSON.stringify(metadata.format)})`);
  return JSON.parse(metadata.metrics) as Metrics;
}

/** Restores model and optimizer in place; returns the number of finished epochs. */
export function loadCheckpoint(path: string, model: Module, optimizer: Optimizer): number {
  const { tensors, metadata } = loadWithMetadata(path);
  if (metadata.format !== FORMAT) throw new Error(`--resume: ${path} is not a checkpoint written by pnpm charlm`);
  const modelState: Record<string, Tensor> = {};
  const optimTensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) {
    if (k.startsWith('model.')) modelState[k.slice('model.'.length)] = t;
    else optimTensors[k] = t;
  }
  model.loadStateDict(modelState);
  optimizer.loadStateDict(joinTensors(JSON.parse(metadata.optimizer) as Json, optimTensors) as OptimizerStateDict);
  return Number(metadata.epoch);
}
