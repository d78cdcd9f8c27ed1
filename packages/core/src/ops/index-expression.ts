import { Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { rejectExtraArguments } from '../options.js';
import * as kernels from '../kernels/backend.js';
import { indexSelect, select, slice } from './indexing.js';
import { reshape, unsqueeze } from './shape.js';

/**
 * PyTorch's index expressions, `x[:, 0]` written `x.index(':, 0')` or `x.index([':', 0])`: each entry is an integer
 * (that dim is removed), a slice string 'start:end:step', '...' (as many ':' as needed), 'None' (a new size-1 dim),
 * an int32 index tensor (that dim replaced by the index's shape) or a bool mask over the next mask.ndim dims (replaced
 * by one dim of the selected elements, as PyTorch's `x[mask]`). `{ mask }` marks an int32 0/1 tensor as a mask (an
 * unmarked int32 tensor is an index); a bool one needs no mark. At most one index tensor or mask per expression (PyTorch's pairing of
 * several is not supported). The result is a copy, built from select, slice, unsqueeze and indexSelect, whose
 * gradients flow back to x.
 */
export type IndexEntry = number | string | Tensor | { mask: Tensor };

function parseEntry(text: string): IndexEntry {
  const s = text.trim();
  if (s === '...' || s === 'None' || s.includes(':')) return s;
  if (/^-?\d+$/.test(s)) return Number(s);
  throw new Error(`index: cannot read "${s}" as an integer, a slice 'start:end:step', '...' or 'None'`);
}

function sliceParts(entry: string): [number | null, number | null, number] {
  const parts = entry.split(':').map((p) => p.trim());
  if (parts.length > 3 || parts.some((p) => p !== '' && !/^-?\d+$/.test(p))) throw new Error(`index: "${entry}" is not a slice 'start:end:step'`);
  const [start, end, step] = parts.map((p) => (p === '' ? null : Number(p)));
  if (step === 0) throw new Error(`index: slice step cannot be zero in "${entry}"`);
  if (step !== null && step !== undefined && step < 0) throw new Error(`index: negative slice steps are not supported (as in PyTorch), got "${entry}"`);
  return [start ?? null, end ?? null, step ?? 1];
}

function isMask(e: IndexEntry): e is { mask: Tensor } {
  return typeof e === 'object' && !(e instanceof Tensor) && e !== null && (e as { mask?: unknown }).mask instanceof Tensor;
}

/** How many dims of the input an entry consumes. */
function consumed(e: IndexEntry): number {
  if (e === 'None' || e === '...') return 0;
  if (isMask(e)) return e.mask.ndim;
  return 1;
}

/** The tensors index returned: copies, so an in-place method on one (which would not reach x) is refused. */
const indexCopies = new WeakSet<Tensor>();

/** Whether t came from index: its storage is its own, so writing into it would not change the tensor indexed. */
export function isIndexCopy(t: Tensor): boolean {
  return indexCopies.has(t);
}

/**
 * x[expression] as in PyTorch, e.g. `index(x, ':, 0')` for x[:, 0] (see IndexEntry for what an entry can be); a copy whose gradient
 * flows back to x.
 */
export function index(x: Tensor, expression: IndexEntry | readonly IndexEntry[]): Tensor {
  rejectExtraArguments('index', 2, arguments.length);
  if (!(x instanceof Tensor)) throw new TypeError(`index: expected a Tensor, got ${typeof x}`);
  const raw: IndexEntry[] = typeof expression === 'string' ? expression.split(',').map(parseEntry)
    : Array.isArray(expression) ? [...(expression as IndexEntry[])] : [expression as IndexEntry];
  const entries = raw.map((e) => (typeof e === 'string' ? parseEntry(e) : e instanceof Tensor && e.dtype === 'bool' ? { mask: e } : e));
  entries.forEach((e, i) => {
    const ok = typeof e === 'number' || typeof e === 'string' || e instanceof Tensor || isMask(e);
    if (!ok) throw new TypeError(`index: entry ${i} must be an integer, a slice string, '...', 'None', an int32 or bool Tensor or { mask }, got ${e === null ? 'null' : typeof e}`);
  });
  if (entries.filter((e) => e === '...').length > 1) throw new Error(`index: at most one '...' per expression`);
  if (entries.filter((e) => e instanceof Tensor || isMask(e)).length > 1) {
    throw new Error('index: at most one index tensor or mask per expression is supported');
  }
  const used = entries.reduce<number>((n, e) => n + consumed(e), 0);
  if (used > 0 && x.ndim === 0) throw new Error('index: cannot be applied to a 0-dim tensor (it has no dimension to index)');
  if (used > x.ndim) throw new Error(`index: too many indices (${used}) for a tensor of shape ${formatShape(x.shape)}`);
  const ellipsis = entries.indexOf('...');
  const full = ellipsis < 0 ? entries : [...entries.slice(0, ellipsis), ...new Array<IndexEntry>(x.ndim - used).fill(':'), ...entries.slice(ellipsis + 1)];
  let out = x;
  let d = 0;
  for (const e of full) {
    if (typeof e === 'number') {
      const size = out.shape[d];
      if (!Number.isInteger(e) || e < -size || e >= size) throw new Error(`index: index ${e} is out of range for dimension ${d} with size ${size}`);
      out = select(out, d, e);
    } else if (e === 'None') {
      out = unsqueeze(out, d++);
    } else if (typeof e === 'string') {
      const [start, end, step] = sliceParts(e);
      out = slice(out, d++, start, end, step);
    } else if (e instanceof Tensor) {
      if (e.dtype !== 'int32') throw new TypeError(`index: an index tensor must be int32, got ${e.dtype}`);
      const picked = indexSelect(out, d, reshape(e, [e.numel()]));
      out = reshape(picked, [...out.shape.slice(0, d), ...e.shape, ...out.shape.slice(d + 1)]);
      d += e.ndim;
    } else {
      const { mask } = e;
      const dims = out.shape.slice(d, d + mask.ndim);
      if ((mask.dtype !== 'bool' && mask.dtype !== 'int32') || formatShape(dims) !== formatShape(mask.shape)) {
        throw new Error(`index: a mask must be bool (or int32 0/1) and shaped like the dims it covers ${formatShape(dims)}, got ${mask.dtype} ${formatShape(mask.shape)}`);
      }
      const flat = reshape(out, [...out.shape.slice(0, d), mask.numel(), ...out.shape.slice(d + mask.ndim)]);
      out = indexSelect(flat, d++, kernels.nonzeroFlat(mask));
    }
  }
  const result = out === x ? reshape(x, x.shape) : out;
  indexCopies.add(result);
  return result;
}
