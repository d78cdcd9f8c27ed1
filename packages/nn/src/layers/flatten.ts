import { Tensor, flatten } from '@torchlet/core';
import { Module } from '../module.js';
import { layerArgs } from './options.js';

/** Flattens dims startDim..endDim into one; the default keeps the batch dim. */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim?: number, endDim?: number);
  constructor(options: { startDim?: number; endDim?: number });
  constructor(...args: unknown[]) {
    super();
    const { startDim = 1, endDim = -1 } = layerArgs<{ startDim?: number; endDim?: number }>('Flatten', args, ['startDim', 'endDim']);
    this.startDim = startDim;
    this.endDim = endDim;
    if (!Number.isInteger(startDim) || !Number.isInteger(endDim)) throw new Error(`Flatten: startDim and endDim must be integers, got ${startDim} and ${endDim}`);
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
