import { Tensor, dropout, type Generator } from '@torchlet/core';
import { Module } from '../module.js';

/**
 * Zeroes each element with probability p and scales the rest by 1/(1-p) in training mode; identity in eval mode.
 * The mask comes from `generator` (the default generator unless given).
 */
export class Dropout extends Module {
  readonly p: number;
  private readonly generator: Generator | undefined;

  constructor(p = 0.5, options: { generator?: Generator } = {}) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`Dropout: p must be a probability between 0 and 1, got ${p}`);
    this.p = p;
    this.generator = options.generator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator ? { generator: this.generator } : {});
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
