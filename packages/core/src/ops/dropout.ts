import { defineOp } from '../op.js';
import { isFloating } from '../dtype.js';
import { Tensor } from '../tensor.js';
import type { OpContext } from '../tape.js';
import { formatShape } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { Generator, defaultGenerator } from '../random.js';
import { positionalOptions } from '../options.js';
import { defineAdjointPair } from './gradient-ops.js';

/** Options of dropout, dropout2d and their kin beyond PyTorch's (p, training): the generator of the mask. */
export interface DropoutOptions {
  /** Where the mask's random numbers come from; defaultGenerator (seeded by manualSeed) when omitted. */
  generator?: Generator;
}

/** Per unit (an element, or a whole channel for dropout2d): 0 if dropped, 1 / (1 - p) if kept. */
interface DropoutState {
  mask: Tensor;
  unitSize: number;
}

type DropoutArgs = [Tensor, number, boolean, Generator];

interface DropoutCall extends DropoutOptions {
  p?: number;
  training?: boolean;
}

/** PyTorch's (x, p = 0.5, training = true) positionally or by name, with the generator by name only. */
function dropoutArgs(op: string, x: Tensor, args: unknown[]): DropoutArgs {
  const { p = 0.5, training = true, generator = defaultGenerator } = positionalOptions<DropoutCall>(op, args, ['p', 'training'], ['generator']);
  if (!(p >= 0 && p <= 1)) throw new Error(`${op}: probability has to be between 0 and 1, but got ${p}`);
  if (typeof training !== 'boolean') throw new TypeError(`${op}: training must be a boolean, got ${typeof training}`);
  if (!(generator instanceof Generator)) throw new TypeError(`${op}: generator must be a Generator, got ${typeof generator}`);
  return [x, p, training, generator];
}

function dropoutSignatures(op: string) {
  return {
    Tensor: (x: Tensor) => dropoutArgs(op, x, []),
    // typed-function hands a rest parameter over as one array
    'Tensor, ...any': (x: Tensor, args: unknown[]) => dropoutArgs(op, x, args),
  };
}

/**
 * Inverted dropout over units of `unitSize` consecutive elements: each unit is zeroed with probability p, the others
 * scaled by 1 / (1 - p) so the expectation is unchanged. Not training, or p = 0, is the identity (as a copy).
 */
/** The gradient of dropout, multiplying by the same mask: a diagonal map, its own adjoint. */
const applyMask = (t: Tensor, { mask, unitSize }: DropoutState): Tensor => kernels.applyMask(t, mask, unitSize);
const [maskOp] = defineAdjointPair('dropoutMask', applyMask, 'dropoutMaskAdjoint', applyMask);

function defineDropout(name: string, unitSizeOf: (x: Tensor) => number) {
  return defineOp({
    name,
    signatures: dropoutSignatures(name),
    forward(ctx: OpContext<DropoutState>, x: Tensor, p: number, training: boolean, generator: Generator) {
      if (!isFloating(x.dtype)) throw new Error(`${name}: expected a floating-point tensor, got ${x.dtype}`);
      const unitSize = unitSizeOf(x);
      const units = unitSize === 0 ? 0 : x.numel() / unitSize;
      // not training, or p = 0, keeps everything (and draws nothing); with p = 1 nothing is kept
      const keep = training ? 1 - p : 1;
      // drawn from the seeded generator on the CPU and uploaded by the table when x is on a device: one seed, one mask
      const mask = kernels.dropoutMask(units, x.dtype, keep, () => generator.random(), x.device);
      ctx.state = { mask, unitSize };
      return kernels.applyMask(x, mask, unitSize);
    },
    backward(ctx, g) {
      const { mask, unitSize } = ctx.state;
      return [maskOp(g, ctx.state), null, null, null];
    },
  }) as unknown as {
    (x: Tensor, options?: DropoutOptions & { p?: number; training?: boolean }): Tensor;
    (x: Tensor, p?: number, training?: boolean, options?: DropoutOptions): Tensor;
  };
}

/** torch.nn.functional.dropout(x, p = 0.5, training = true): zeroes elements with probability p, scales the rest by 1/(1-p). */
export const dropout = defineDropout('dropout', () => 1);

/** torch.nn.functional.dropout2d: zeroes whole channels of [N, C, H, W] (or [C, H, W]) with probability p. */
export const dropout2d = defineDropout('dropout2d', (x) => {
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new Error(`dropout2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got shape ${formatShape(x.shape)}`);
  }
  return x.shape[x.ndim - 1] * x.shape[x.ndim - 2];
});
