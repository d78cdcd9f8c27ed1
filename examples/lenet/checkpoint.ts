import { Tensor } from '@torchlet/core';
import { save, loadWithMetadata, type Module } from '@torchlet/nn';
import type { Optimizer, OptimizerStateDict, LRScheduler, LRSchedulerStateDict } from '@torchlet/optim';
import type { Metrics } from './report.js';
import { type Json, joinTensors, splitTensors } from '../shared/tensor-tree.js';

/**
 * One safetensors file holds a whole resumable run: the model's state dict under `model.`, the optimizer's
 * tensors under `optim.`, and everything else (the optimizer's JSON skeleton, the epoch, the metrics so far)
 * in the header's metadata. save() writes it atomically.
 */


export interface Resumed {
  epoch: number;
  metrics: Metrics;
}

export function saveCheckpoint(
  path: string, model: Module, optimizer: Optimizer, scheduler: LRScheduler | null, epoch: number, metrics: Metrics,
): void {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(model.stateDict())) tensors[`model.${k}`] = t;
  const skeleton = splitTensors(optimizer.stateDict(), 'optim', tensors);
  save(tensors, path, {
    metadata: {
      format: 'torchlet-lenet-checkpoint-v1',
      epoch: String(epoch),
      optimizer: JSON.stringify(skeleton),
      scheduler: JSON.stringify(scheduler ? scheduler.stateDict() : null),
      metrics: JSON.stringify(metrics),
    },
  });
}

/** Restores model and optimizer in place; returns the number of finished epochs and the metrics so far. */
export function loadCheckpoint(path: string, model: Module, optimizer: Optimizer, scheduler: LRScheduler | null): Resumed {
  const { tensors, metadata } = loadWithMetadata(path);
  if (metadata.format !== 'torchlet-lenet-checkpoint-v1') {
    throw new Error(`--resume: ${path} is not a checkpoint written by this example (metadata format ${JSON.stringify(metadata.format)})`);
  }
  const modelState: Record<string, Tensor> = {};
  const optimTensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) {
    if (k.startsWith('model.')) modelState[k.slice('model.'.length)] = t;
    else optimTensors[k] = t;
  }
  model.loadStateDict(modelState);
  optimizer.loadStateDict(joinTensors(JSON.parse(metadata.optimizer) as Json, optimTensors) as OptimizerStateDict);
  const schedulerState = JSON.parse(metadata.scheduler ?? 'null') as LRSchedulerStateDict | null;
  if (scheduler && schedulerState) scheduler.loadStateDict(schedulerState);
  return { epoch: Number(metadata.epoch), metrics: JSON.parse(metadata.metrics) as Metrics };
}
