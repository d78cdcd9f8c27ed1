import { Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { positionalOptions } from '../options.js';
import { indexSelect } from './indexing.js';
import { reshape } from './shape.js';
import { eq, where } from './compare.js';
import { max, min } from './reduction.js';

/** Options of embedding (torch.nn.functional.embedding); only paddingIdx changes anything, the others accept PyTorch's defaults. */
export interface EmbeddingOptions {
  /** Rows looked up at this index get no gradient (they stay as they are in training), as torch's padding_idx. */
  paddingIdx?: number | null;
  /** Not supported (renormalising rows in place); only null is accepted, so a PyTorch call that sets it fails loudly. */
  maxNorm?: null;
  /** Only PyTorch's default 2 (it matters only with maxNorm). */
  normType?: number;
  /** Not supported; only false. */
  scaleGradByFreq?: false;
  /** Not supported (gradients are dense); only false. */
  sparse?: false;
}

/** PyTorch's arguments torchlet does not implement, with the one value each accepts (PyTorch's default). */
const UNSUPPORTED = { maxNorm: null, normType: 2, scaleGradByFreq: false, sparse: false } as const;

/** Throws naming the op and the argument when one PyTorch has but torchlet lacks is set to anything but its default. */
function refuseUnsupported(op: string, options: Record<string, unknown>, defaults: Record<string, unknown>): void {
  for (const [key, byDefault] of Object.entries(defaults)) {
    const value = options[key];
    if (value === undefined || value === byDefault) continue;
    throw new TypeError(`${op}: ${key} is not supported by torchlet (only ${JSON.stringify(byDefault)}, PyTorch's default), got ${JSON.stringify(value) ?? String(value)}`);
  }
}

/**
 * torch.nn.functional.embedding: the rows of `weight` [numEmbeddings, dim] at int32 `indices` of any shape, giving
 * [...indices.shape, dim]. The weight's gradient is a scatter-add of the output's (repeated indices accumulate).
 */
export function embedding(indices: Tensor, weight: Tensor, options?: EmbeddingOptions): Tensor;
/** PyTorch's positional form `embedding(input, weight, paddingIdx, maxNorm, normType, scaleGradByFreq, sparse)`. */
export function embedding(indices: Tensor, weight: Tensor, paddingIdx?: number | null, maxNorm?: null, normType?: number, scaleGradByFreq?: false, sparse?: false): Tensor;
export function embedding(indices: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  if (!(indices instanceof Tensor)) throw new TypeError(`embedding: expected int32 indices as a Tensor, got ${typeof indices}`);
  if (!(weight instanceof Tensor)) throw new TypeError(`embedding: expected a weight Tensor, got ${typeof weight}`);
  const options = positionalOptions<EmbeddingOptions>('embedding', rest, ['paddingIdx', ...Object.keys(UNSUPPORTED)]);
  refuseUnsupported('embedding', options as Record<string, unknown>, UNSUPPORTED);
  if (indices.dtype !== 'int32') throw new TypeError(`embedding: indices must be int32, got ${indices.dtype}`);
  if (weight.ndim !== 2) throw new Error(`embedding: weight must be 2-D [numEmbeddings, embeddingDim], got shape ${formatShape(weight.shape)}`);
  const [n, dim] = weight.shape;
  const paddingIdx = resolvePaddingIdx(options.paddingIdx ?? null, n);
  const flat = reshape(indices, [-1]);
  if (flat.numel() > 0) {
    const lo = min(flat).item();
    const hi = max(flat).item();
    if (lo < 0 || hi >= n) {
      throw new RangeError(`embedding: index ${lo < 0 ? lo : hi} is out of range for a weight of ${n} embeddings (shape ${formatShape(weight.shape)})`);
    }
  }
  const rows = indexSelect(weight, 0, flat);
  let out = rows;
  if (paddingIdx !== null && weight.requiresGrad) {
    // Same values, but the padding rows read a detached weight so no gradient flows to them.
    const isPadding = reshape(eq(flat, paddingIdx), [-1, 1]);
    out = where(isPadding, rows.detach(), rows);
  }
  return reshape(out, [...indices.shape, dim]);
}

function resolvePaddingIdx(paddingIdx: number | null, n: number): number | null {
  if (paddingIdx === null) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -n || paddingIdx >= n) {
    throw new RangeError(`embedding: paddingIdx must be an integer in [-${n}, ${n - 1}] for ${n} embeddings, got ${paddingIdx}`);
  }
  return paddingIdx < 0 ? paddingIdx + n : paddingIdx;
}
