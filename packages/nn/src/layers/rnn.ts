import {
  Tensor, add, cat, dropout, empty, formatShape, linear, mul, narrow, relu, select, sigmoid, stack, sub, tanh, zeros,
} from '@torchlet/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { uniform_ } from '../init.js';
import { type LayerOptions, checkBoolean, checkFloatDType, checkPositiveInt, layerArgs } from './options.js';

/**
 * Options RNN, LSTM and GRU share, as PyTorch's: numLayers stacked (default 1), bias, batchFirst, dropout (default 0),
 * bidirectional (default false).
 */
export interface RNNBaseOptions extends LayerOptions {
  numLayers?: number;
  /** Biases bias_ih and bias_hh (default true). */
  bias?: boolean;
  /** Input and output [batch, seq, feature] instead of [seq, batch, feature] (the state stays [layers·dirs, batch, hidden]). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode. */
  dropout?: number;
  bidirectional?: boolean;
}

/** Options of LSTM: the shared ones plus projSize. */
export interface LSTMOptions extends RNNBaseOptions {
  /** Project each hidden state down to projSize features with weight_hr_l{k} [projSize, hiddenSize] (0: none). */
  projSize?: number;
}

/** Options of RNN: the shared ones plus nonlinearity, 'tanh' (default) or 'relu'. */
export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: 'tanh' | 'relu';
}

/** PyTorch's positional arguments after numLayers (and RNN's nonlinearity), in its order. */
const RNN_ARGS = ['bias', 'batchFirst', 'dropout', 'bidirectional'];

type Cell = 'tanh' | 'relu' | 'lstm' | 'gru';

const GATES: Record<Cell, number> = { tanh: 1, relu: 1, lstm: 4, gru: 3 };

/** One layer and direction's parameters, PyTorch's weight_ih_l{k}[_reverse] and friends. */
interface Weights {
  wIh: Parameter;
  wHh: Parameter;
  bIh: Parameter | null;
  bHh: Parameter | null;
  /** LSTM's projection, when projSize > 0. */
  wHr: Parameter | null;
}

/**
 * What RNN, LSTM and GRU share: the parameters under PyTorch's names, the layout of input and state, the stacking of
 * layers and directions. A time step is a handful of whole-batch ops: the input and hidden products, the gate
 * nonlinearities. (The input product runs per step rather than once over the whole sequence: slicing a step out
 * of a [seq, batch, gates] product would cost a sequence-sized gradient buffer per step in backward.)
 */
abstract class RNNBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** 0, or LSTM's projSize: then h (and each output) has projSize features while c keeps hiddenSize. */
  readonly projSize: number;

  protected constructor(private readonly cell: Cell, inputSize: number, hiddenSize: number, options: RNNBaseOptions, projSize = 0) {
    super();
    const name = this.constructor.name;
    this.inputSize = checkPositiveInt(name, 'inputSize', inputSize);
    this.hiddenSize = checkPositiveInt(name, 'hiddenSize', hiddenSize);
    this.numLayers = checkPositiveInt(name, 'numLayers', options.numLayers ?? 1);
    this.bias = checkBoolean(name, 'bias', options.bias, true);
    this.batchFirst = checkBoolean(name, 'batchFirst', options.batchFirst, false);
    this.dropout = options.dropout ?? 0;
    if (typeof this.dropout !== 'number' || !(this.dropout >= 0 && this.dropout <= 1)) {
      throw new Error(`${name}: dropout must be a probability between 0 and 1, got ${this.dropout}`);
    }
    this.bidirectional = checkBoolean(name, 'bidirectional', options.bidirectional, false);
    if (!Number.isInteger(projSize) || projSize < 0 || (projSize > 0 && projSize >= hiddenSize)) {
      throw new Error(`${name}: projSize must be an integer from 0 to hiddenSize - 1 (${hiddenSize - 1}), got ${JSON.stringify(projSize)}`);
    }
    this.projSize = projSize;
    const dtype = checkFloatDType(name, options.dtype);
    const gateSize = GATES[cell] * hiddenSize;
    const bound = 1 / Math.sqrt(hiddenSize);
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let dir = 0; dir < this.numDirections; dir++) {
        const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
        const layerInput = layer === 0 ? inputSize : this.outputSize * this.numDirections;
        const shapes: [string, number[]][] = [[`weight_ih${suffix}`, [gateSize, layerInput]], [`weight_hh${suffix}`, [gateSize, this.outputSize]]];
        if (this.bias) shapes.push([`bias_ih${suffix}`, [gateSize]], [`bias_hh${suffix}`, [gateSize]]);
        if (projSize > 0) shapes.push([`weight_hr${suffix}`, [projSize, hiddenSize]]);
        for (const [key, shape] of shapes) {
          const p = new Parameter(empty(shape, dtype));
          uniform_(p, -bound, bound, { generator: options.generator });
          this.registerParameter(key, p);
        }
      }
    }
  }

  /** Features of h and of each direction's output: projSize when projecting, else hiddenSize. */
  get outputSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  private weights(layer: number, dir: number): Weights {
    const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
    const own = this as unknown as Record<string, Parameter | null>;
    return {
      wIh: own[`weight_ih${suffix}`]!, wHh: own[`weight_hh${suffix}`]!, bIh: own[`bias_ih${suffix}`] ?? null, bHh: own[`bias_hh${suffix}`] ?? null,
      wHr: own[`weight_hr${suffix}`] ?? null,
    };
  }

  /** Brings input to [seq, batch, feature] and checks it; `batched` is false for an unbatched [seq, feature] input. */
  protected prepareInput(input: Tensor, extra: readonly unknown[]): { x: Tensor; batched: boolean } {
    const name = this.constructor.name;
    if (extra.length) throw new TypeError(`${name}.forward: takes (input, ${this.cell === 'lstm' ? '[h0, c0]' : 'h0'}), got ${2 + extra.length} arguments`);
    if (!(input instanceof Tensor)) throw new TypeError(`${name}: expected an input Tensor, got ${typeof input}`);
    const dtype = this.weights(0, 0).wIh.dtype;
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new Error(`${name}: expected input of 2 dims (unbatched [seq, ${this.inputSize}]) or 3 dims, got shape ${formatShape(input.shape)}`);
    }
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw new Error(`${name}: input of shape ${formatShape(input.shape)} has ${input.shape[input.ndim - 1]} features, expected inputSize ${this.inputSize}`);
    }
    if (input.dtype !== dtype) throw new Error(`${name}: input has dtype ${input.dtype} but the parameters are ${dtype}`);
    if (input.ndim === 2) return { x: input.unsqueeze(1), batched: false };
    return { x: this.batchFirst ? input.transpose(0, 1) : input, batched: true };
  }

  /** A given state [layers·dirs, batch, hidden] (unsqueezed when unbatched), or zeros. */
  protected prepareState(what: string, state: Tensor | null | undefined, batch: number, batched: boolean, dtype: Tensor['dtype'], size = this.outputSize): Tensor {
    const name = this.constructor.name;
    const shape = [this.numLayers * this.numDirections, batch, size];
    if (state === null || state === undefined) return zeros(shape, { dtype });
    if (!(state instanceof Tensor)) throw new TypeError(`${name}: ${what} must be a Tensor, got ${typeof state}`);
    const s = batched ? state : state.ndim === 2 ? state.unsqueeze(1) : state;
    if (formatShape(s.shape) !== formatShape(shape)) {
      const want = batched ? shape : [shape[0], shape[2]];
      throw new Error(`${name}: expected ${what} of shape ${formatShape(want)}, got ${formatShape(state.shape)}`);
    }
    if (s.dtype !== dtype) throw new Error(`${name}: ${what} has dtype ${s.dtype} but the input is ${dtype}`);
    return s;
  }

  /** Output back to the caller's layout. */
  protected finishOutput(out: Tensor, batched: boolean): Tensor {
    if (!batched) return out.squeeze(1);
    return this.batchFirst ? out.transpose(0, 1) : out;
  }

  protected finishState(state: Tensor, batched: boolean): Tensor {
    return batched ? state : state.squeeze(1);
  }

  /**
   * Runs every layer and direction over x [seq, batch, in] from the initial states (h, and c for LSTM, each
   * [layers·dirs, batch, hidden]); returns the last layer's outputs [seq, batch, dirs·hidden] and the final states.
   */
  protected run(x: Tensor, h0: Tensor, c0: Tensor | null): { output: Tensor; hN: Tensor; cN: Tensor | null } {
    const T = x.shape[0];
    const finalH: Tensor[] = [];
    const finalC: Tensor[] = [];
    let layerInput = x;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outputs: Tensor[] = [];
      for (let dir = 0; dir < this.numDirections; dir++) {
        const k = layer * this.numDirections + dir;
        const w = this.weights(layer, dir);
        let h = select(h0, 0, k);
        let c = c0 ? select(c0, 0, k) : null;
        const steps = new Array<Tensor>(T);
        for (let s = 0; s < T; s++) {
          const t = dir === 0 ? s : T - 1 - s;
          [h, c] = this.step(linear(select(layerInput, 0, t), w.wIh, w.bIh), linear(h, w.wHh, w.bHh), h, c);
          if (w.wHr) h = linear(h, w.wHr);
          steps[t] = h;
        }
        outputs.push(stack(steps, 0));
        finalH.push(h);
        if (c) finalC.push(c);
      }
      layerInput = outputs.length === 1 ? outputs[0] : cat(outputs, 2);
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) layerInput = dropout(layerInput, this.dropout, true);
    }
    return { output: layerInput, hN: stack(finalH, 0), cN: c0 ? stack(finalC, 0) : null };
  }

  /** One time step from the input part xg and hidden part hg of the gates [batch, gates·hidden]. */
  private step(xg: Tensor, hg: Tensor, h: Tensor, c: Tensor | null): [Tensor, Tensor | null] {
    const H = this.hiddenSize;
    switch (this.cell) {
      case 'tanh':
        return [tanh(add(xg, hg)), null];
      case 'relu':
        return [relu(add(xg, hg)), null];
      case 'lstm': {
        // gates i, f, g, o (PyTorch's order)
        const g = add(xg, hg);
        const ifo = sigmoid(narrow(g, 1, 0, 2 * H));
        const cNew = add(mul(narrow(ifo, 1, H, H), c!), mul(narrow(ifo, 1, 0, H), tanh(narrow(g, 1, 2 * H, H))));
        return [mul(sigmoid(narrow(g, 1, 3 * H, H)), tanh(cNew)), cNew];
      }
      case 'gru': {
        // gates r, z, n; n = tanh(x_n + r·(W_hn h + b_hn)); h' = (1 - z)·n + z·h = n + z·(h - n)
        const rz = sigmoid(add(narrow(xg, 1, 0, 2 * H), narrow(hg, 1, 0, 2 * H)));
        const n = tanh(add(narrow(xg, 1, 2 * H, H), mul(narrow(rz, 1, 0, H), narrow(hg, 1, 2 * H, H))));
        return [add(n, mul(narrow(rz, 1, H, H), sub(h, n))), null];
      }
    }
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, numLayers=${this.numLayers}`;
    if (this.projSize > 0) s += `, projSize=${this.projSize}`;
    if (this.cell === 'relu') s += `, nonlinearity='relu'`;
    if (!this.bias) s += ', bias=false';
    if (this.batchFirst) s += ', batchFirst=true';
    if (this.dropout !== 0) s += `, dropout=${this.dropout}`;
    if (this.bidirectional) s += ', bidirectional=true';
    return s;
  }
}

/** Elman RNN, h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu); forward(input, h0?) returns [output, hN]. */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions);
  /** PyTorch's positional form `RNN(inputSize, hiddenSize, numLayers, nonlinearity, bias, batchFirst, dropout, bidirectional)`. */
  constructor(
    inputSize: number, hiddenSize: number, numLayers?: number, nonlinearity?: 'tanh' | 'relu', bias?: boolean, batchFirst?: boolean,
    dropout?: number, bidirectional?: boolean, options?: LayerOptions,
  );
  constructor(inputSize: number, hiddenSize: number, ...rest: unknown[]) {
    const options = layerArgs<RNNOptions>('RNN', rest, ['numLayers', 'nonlinearity', ...RNN_ARGS], ['dtype', 'generator']);
    const nonlinearity = options.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new Error(`RNN: nonlinearity must be 'tanh' or 'relu', got ${JSON.stringify(nonlinearity)}`);
    super(nonlinearity, inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }

  forward(input: Tensor, h0?: Tensor | null, ...extra: never[]): [Tensor, Tensor] {
    const { x, batched } = this.prepareInput(input, extra);
    const { output, hN } = this.run(x, this.prepareState('h0', h0, x.shape[1], batched, x.dtype), null);
    return [this.finishOutput(output, batched), this.finishState(hN, batched)];
  }
}

/** GRU with PyTorch's gate order (r, z, n); forward(input, h0?) returns [output, hN]. */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: RNNBaseOptions);
  /** PyTorch's positional form `GRU(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional)`. */
  constructor(
    inputSize: number, hiddenSize: number, numLayers?: number, bias?: boolean, batchFirst?: boolean, dropout?: number, bidirectional?: boolean,
    options?: LayerOptions,
  );
  constructor(inputSize: number, hiddenSize: number, ...rest: unknown[]) {
    super('gru', inputSize, hiddenSize, layerArgs<RNNBaseOptions>('GRU', rest, ['numLayers', ...RNN_ARGS], ['dtype', 'generator']));
  }

  forward(input: Tensor, h0?: Tensor | null, ...extra: never[]): [Tensor, Tensor] {
    const { x, batched } = this.prepareInput(input, extra);
    const { output, hN } = this.run(x, this.prepareState('h0', h0, x.shape[1], batched, x.dtype), null);
    return [this.finishOutput(output, batched), this.finishState(hN, batched)];
  }
}

/**
 * LSTM with PyTorch's gate order (i, f, g, o); forward(input, [h0, c0]?) returns [output, [hN, cN]]. With projSize,
 * h0, hN and the output have projSize features (c0 and cN keep hiddenSize).
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: LSTMOptions);
  /** PyTorch's positional form `LSTM(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize)`. */
  constructor(
    inputSize: number, hiddenSize: number, numLayers?: number, bias?: boolean, batchFirst?: boolean, dropout?: number, bidirectional?: boolean,
    projSize?: number, options?: LayerOptions,
  );
  constructor(inputSize: number, hiddenSize: number, ...rest: unknown[]) {
    const options = layerArgs<LSTMOptions>('LSTM', rest, ['numLayers', ...RNN_ARGS, 'projSize'], ['dtype', 'generator']);
    super('lstm', inputSize, hiddenSize, options, options.projSize ?? 0);
  }

  forward(input: Tensor, state?: readonly [Tensor, Tensor] | null, ...extra: never[]): [Tensor, [Tensor, Tensor]] {
    const { x, batched } = this.prepareInput(input, extra);
    if (state !== null && state !== undefined && (!Array.isArray(state) || state.length !== 2)) {
      throw new TypeError('LSTM: the initial state must be an array [h0, c0]');
    }
    const h0 = this.prepareState('h0', state?.[0], x.shape[1], batched, x.dtype);
    const c0 = this.prepareState('c0', state?.[1], x.shape[1], batched, x.dtype, this.hiddenSize);
    const { output, hN, cN } = this.run(x, h0, c0);
    return [this.finishOutput(output, batched), [this.finishState(hN, batched), this.finishState(cN!, batched)]];
  }
}
