import { Tensor, type GeluApproximate, gelu, leakyRelu, logSoftmax, relu, sigmoid, softmax, tanh } from '@torchlet/core';
import { Module } from '../module.js';
import { checkBoolean, layerArgs } from './options.js';

/** PyTorch's `inplace` flag: only false is honoured (results here are always new tensors), true is refused. */
function refuseInplace(op: string, inplace: unknown): void {
  if (inplace !== undefined && checkBoolean(op, 'inplace', inplace)) {
    throw new TypeError(`${op}: inplace is not supported (the result is always a new tensor, with the same values); leave it false`);
  }
}

/** For layers without settings: nothing but PyTorch's inplace flag, if it has one, may be passed. */
function noSettings(op: string, args: readonly unknown[], inplace: boolean): void {
  const options = layerArgs<{ inplace?: unknown }>(op, args, inplace ? ['inplace'] : []);
  refuseInplace(op, options.inplace);
}

/** max(0, x) elementwise, like torch.nn.ReLU (inplace must be false). */
export class ReLU extends Module {
  constructor(inplace?: false);
  constructor(options: { inplace?: false });
  constructor(...args: unknown[]) {
    super();
    noSettings('ReLU', args, true);
  }

  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x for x >= 0, negativeSlope·x below (default 0.01), like torch.nn.LeakyReLU. */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;

  /** PyTorch's `LeakyReLU(negativeSlope, inplace)`; inplace must be false. */
  constructor(negativeSlope?: number, inplace?: false);
  constructor(options: { negativeSlope?: number; inplace?: false });
  constructor(...args: unknown[]) {
    super();
    const options = layerArgs<{ negativeSlope?: number; inplace?: unknown }>('LeakyReLU', args, ['negativeSlope', 'inplace']);
    refuseInplace('LeakyReLU', options.inplace);
    const negativeSlope = (this.negativeSlope = options.negativeSlope ?? 0.01);
    if (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope)) throw new Error(`LeakyReLU: negativeSlope must be a finite number, got ${negativeSlope}`);
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** 1 / (1 + exp(-x)) elementwise, like torch.nn.Sigmoid. */
export class Sigmoid extends Module {
  constructor(...args: never[]) {
    super();
    noSettings('Sigmoid', args, false);
  }

  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** tanh(x) elementwise, like torch.nn.Tanh. */
export class Tanh extends Module {
  constructor(...args: never[]) {
    super();
    noSettings('Tanh', args, false);
  }

  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** x·Φ(x); `approximate: 'tanh'` uses PyTorch's tanh approximation. */
export class GELU extends Module {
  readonly approximate: GeluApproximate;

  constructor(approximate?: GeluApproximate);
  constructor(options: { approximate?: GeluApproximate });
  constructor(...args: unknown[]) {
    super();
    this.approximate = layerArgs<{ approximate?: GeluApproximate }>('GELU', args, ['approximate']).approximate ?? 'none';
    if (this.approximate !== 'none' && this.approximate !== 'tanh') throw new Error(`GELU: approximate must be 'none' or 'tanh', got ${JSON.stringify(this.approximate)}`);
  }

  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

function checkDim(op: string, dim: unknown): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new Error(`${op}: dim must be an integer, got ${JSON.stringify(dim)}`);
  return dim;
}

/** Softmax along `dim` (required, as PyTorch recommends), like torch.nn.Softmax. */
export class Softmax extends Module {
  readonly dim: number;

  constructor(dim: number);
  constructor(options: { dim: number });
  constructor(...args: unknown[]) {
    super();
    this.dim = checkDim('Softmax', layerArgs<{ dim?: number }>('Softmax', args, ['dim']).dim);
  }

  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** log(softmax(x)) along `dim`, computed stably, like torch.nn.LogSoftmax. */
export class LogSoftmax extends Module {
  readonly dim: number;

  constructor(dim: number);
  constructor(options: { dim: number });
  constructor(...args: unknown[]) {
    super();
    this.dim = checkDim('LogSoftmax', layerArgs<{ dim?: number }>('LogSoftmax', args, ['dim']).dim);
  }

  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
