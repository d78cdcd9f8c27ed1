import { Tensor, flatten } from '@torchlet/core';
import { Module } from '../module.js';

/** Flattens dims startDim..endDim into one; the default keeps the batch dim. */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    if (!Number.isInteger(startDim) || !Number.isInteger(endDim)) throw new Error(`Flatten: startDim and endDim must be integers, got ${startDim} and ${endDim}`);
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
