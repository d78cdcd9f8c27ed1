import { Tensor, defaultGenerator, formatShape, type Generator } from '@torchlet/core';

/**
 * Weight initialisers, like torch.nn.init. Each fills a tensor in place (bumping its version, as PyTorch's
 * no-grad in-place init does) and returns it. Random ones draw from `generator` (the default generator unless
 * given), element by element in storage order, so `manualSeed(s)` reproduces a model bit for bit.
 */

export interface GeneratorOption {
  generator?: Generator;
}

/** The nonlinearities whose gain `calculateGain` knows, as torch.nn.init. */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';

/** Whether Kaiming initialisation keeps the variance of the forward (fanIn) or backward (fanOut) pass. */
export type FanMode = 'fanIn' | 'fanOut';

/** Options of the Kaiming initialisers. */
export interface KaimingOptions extends GeneratorOption {
  /** Negative slope of the leaky ReLU that follows (used only with 'leakyRelu'). Default 0. */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

/** Recommended gain for a nonlinearity (PyTorch's calculate_gain); `param` is leakyRelu's negative slope (default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d': case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new Error(`calculateGain: negative slope must be a finite number, got ${slope}`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(`calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)} (expected linear, conv1d, conv2d, conv3d, sigmoid, tanh, relu, leakyRelu or selu)`);
  }
}

/** fanIn = inputs × receptive field, fanOut = outputs × receptive field, for weights shaped [out, in, ...kernel]. */
export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new Error(`init: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions, got shape ${formatShape(t.shape)}`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

function checkFloat(op: string, t: Tensor): void {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (t.dtype === 'int32') throw new Error(`${op}: expected a floating-point tensor, got int32`);
}

function fillUniform(t: Tensor, low: number, high: number, g: Generator): Tensor {
  const d = t.data;
  const width = high - low;
  for (let i = 0; i < d.length; i++) d[i] = low + width * g.random();
  t._bumpVersion();
  return t;
}

function fillNormal(t: Tensor, mean: number, std: number, g: Generator): Tensor {
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = mean + std * g.normal();
  t._bumpVersion();
  return t;
}

/** Uniform in [a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, options: GeneratorOption = {}): Tensor {
  checkFloat('uniform_', t);
  if (!(a <= b)) throw new Error(`uniform_: expected a <= b, got a = ${a}, b = ${b}`);
  return fillUniform(t, a, b, options.generator ?? defaultGenerator);
}

export function normal_(t: Tensor, mean = 0, std = 1, options: GeneratorOption = {}): Tensor {
  checkFloat('normal_', t);
  if (!(std >= 0)) throw new Error(`normal_: std must be non-negative, got ${std}`);
  return fillNormal(t, mean, std, options.generator ?? defaultGenerator);
}

export function constant_(t: Tensor, value: number): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`constant_: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (typeof value !== 'number') throw new TypeError(`constant_: expected a number, got ${typeof value}`);
  t.data.fill(value);
  t._bumpVersion();
  return t;
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

function kaimingStd(op: string, t: Tensor, options: KaimingOptions): number {
  checkFloat(op, t);
  const { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu' } = options;
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new Error(`${op}: mode must be 'fanIn' or 'fanOut', got ${JSON.stringify(mode)}`);
  const fans = calculateFanInAndFanOut(t);
  const fan = mode === 'fanIn' ? fans.fanIn : fans.fanOut;
  // A tensor with no elements is left as it is, as in PyTorch (the fill loops do nothing).
  return fan === 0 ? 0 : calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/** He et al. uniform: U(-bound, bound) with bound = gain·sqrt(3 / fan). PyTorch's Linear/Conv default uses a = sqrt(5). */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform_', t, options);
  return fillUniform(t, -bound, bound, options.generator ?? defaultGenerator);
}

/** He et al. normal: N(0, std²) with std = gain / sqrt(fan). */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd('kaimingNormal_', t, options);
  return fillNormal(t, 0, std, options.generator ?? defaultGenerator);
}

/** Options of the Xavier initialisers. */
export interface XavierOptions extends GeneratorOption {
  gain?: number;
}

function xavierStd(op: string, t: Tensor, gain: number): number {
  checkFloat(op, t);
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return fanIn + fanOut === 0 ? 0 : gain * Math.sqrt(2 / (fanIn + fanOut));
}

/** Glorot uniform: U(-a, a) with a = gain·sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, options: XavierOptions = {}): Tensor {
  const bound = Math.sqrt(3) * xavierStd('xavierUniform_', t, options.gain ?? 1);
  return fillUniform(t, -bound, bound, options.generator ?? defaultGenerator);
}

/** Glorot normal: N(0, std²) with std = gain·sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, options: XavierOptions = {}): Tensor {
  const std = xavierStd('xavierNormal_', t, options.gain ?? 1);
  return fillNormal(t, 0, std, options.generator ?? defaultGenerator);
}

/**
 * PyTorch's default for Linear and Conv2d (reset_parameters): weight kaiming-uniform with a = sqrt(5), which gives
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)), and bias uniform within the same bound.
 */
export function defaultLayerInit_(weight: Tensor, bias: Tensor | null, generator?: Generator): void {
  kaimingUniform_(weight, { a: Math.sqrt(5), generator });
  if (bias) {
    const { fanIn } = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound, { generator });
  }
}
