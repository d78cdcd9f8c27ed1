import { Tensor, type GeluApproximate, gelu, leakyRelu, logSoftmax, relu, sigmoid, softmax, tanh } from '@torchlet/core';
import { Module } from '../module.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    if (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope)) throw new Error(`LeakyReLU: negativeSlope must be a finite number, got ${negativeSlope}`);
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** x·Φ(x); `approximate: 'tanh'` uses PyTorch's tanh approximation. */
export class GELU extends Module {
  readonly approximate: GeluApproximate;

  constructor(options: { approximate?: GeluApproximate } = {}) {
    super();
    this.approximate = options.approximate ?? 'none';
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

export class Softmax extends Module {
  readonly dim: number;

  constructor(dim: number) {
    super();
    this.dim = checkDim('Softmax', dim);
  }

  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

export class LogSoftmax extends Module {
  readonly dim: number;

  constructor(dim: number) {
    super();
    this.dim = checkDim('LogSoftmax', dim);
  }

  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
