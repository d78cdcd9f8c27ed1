import { Tensor, dropout, type Generator } from '@torchlet/core';
import { Module } from '../module.js';
import { checkBoolean, layerArgs } from './options.js';

export interface DropoutOptions {
  /** Probability of zeroing an element (default 0.5). */
  p?: number;
  generator?: Generator;
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1-p) in training mode; identity in eval mode.
 * The mask comes from `generator` (the default generator unless given).
 */
export class Dropout extends Module {
  readonly p: number;
  private readonly generator: Generator | undefined;

  constructor(options?: DropoutOptions);
  /** PyTorch's positional form `Dropout(p, inplace)`; inplace must be false (the result is always a new tensor). */
  constructor(p?: number, inplace?: false, options?: { generator?: Generator });
  constructor(p: number, options: { generator?: Generator });
  constructor(...args: unknown[]) {
    super();
    const options = layerArgs<DropoutOptions & { inplace?: unknown }>('Dropout', args, ['p', 'inplace'], ['generator']);
    const p = options.p ?? 0.5;
    if (options.inplace !== undefined && checkBoolean('Dropout', 'inplace', options.inplace)) {
      throw new TypeError('Dropout: inplace is not supported (dropout returns a new tensor); leave it false');
    }
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
