// The messages between the page (main.ts) and its training worker (train.worker.ts).
import type { Device } from '@torchlet/core';

export type ToWorker =
  | { type: 'start' }
  | { type: 'pause' }
  /** Train (and predict) on this device from the next step: 'webgpu' asks for an adapter first. */
  | { type: 'device'; device: Device }
  | { type: 'predict'; id: number; pixels: Float32Array }
  /** The trained model as .safetensors weights, or as an .onnx graph for ONNX Runtime. */
  | { type: 'export'; format: 'safetensors' | 'onnx' }
  | { type: 'import'; name: string; bytes: Uint8Array }
  /** Keep the weights in IndexedDB, or load them from there (between visits). */
  | { type: 'store' }
  | { type: 'restore' };

export interface Progress {
  type: 'progress';
  step: number;
  epoch: number;
  /** Where this step ran. */
  device: Device;
  loss: number;
  /** Accuracy on this step's batch. */
  accuracy: number;
  samplesPerSec: number;
  /** Accuracy on the held-out digits, measured every few steps. */
  testAccuracy?: number;
  /** The first conv layer's weights, [6, 1, 5, 5]. */
  filters: Float32Array;
  /** Milliseconds of the first step on a device (wasm or shader compile and first allocation included): on step 1 and the first after a switch. */
  firstStepMs?: number;
}

export type FromWorker =
  | { type: 'ready'; threads: number; backend: string; isolated: boolean; trainSize: number; testSize: number; filters: Float32Array }
  | Progress
  | { type: 'running'; running: boolean }
  /** Training moved to `device`; `detail` names the kernels or the adapter. */
  | { type: 'device'; device: Device; detail: string }
  | { type: 'prediction'; id: number; probabilities: number[] }
  | { type: 'weights'; format: 'safetensors' | 'onnx'; bytes: Uint8Array }
  | { type: 'loaded'; name: string; filters: Float32Array }
  | { type: 'stored'; step: number }
  | { type: 'error'; during: string; message: string };
