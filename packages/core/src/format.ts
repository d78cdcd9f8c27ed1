import type { Tensor } from './tensor.js';

const EDGE = 3;
const SUMMARIZE_ABOVE = 1000;

/**
 * PyTorch-like repr: `tensor([[1.0000, 2.0000], ...], dtype=float64, gradFn=<mulBackward>)`. A bool tensor shows
 * JavaScript's `true`/`false` (PyTorch prints Python's True/False) and, as PyTorch, no dtype unless it is empty.
 */
export function formatTensor(t: Tensor): string {
  const summarize = t.numel() > SUMMARIZE_ABOVE;
  const values = collectShown(t, summarize);
  const fmt = t.dtype === 'bool' ? (v: number) => (v ? 'true' : 'false') : numberFormatter(values, t.dtype === 'int32');
  const width = values.reduce((w, v) => Math.max(w, fmt(v).length), 0);
  const strides: number[] = [];
  let s = 1;
  for (let i = t.ndim - 1; i >= 0; i--) {
    strides[i] = s;
    s *= t.shape[i];
  }
  const indent = 'tensor('.length;
  const render = (dim: number, offset: number): string => {
    if (dim === t.ndim) return fmt(t.data[offset]).padStart(width);
    const n = t.shape[dim];
    const parts: string[] = [];
    const push = (i: number) => parts.push(render(dim + 1, offset + i * strides[dim]));
    if (summarize && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) push(i);
      parts.push('...');
      for (let i = n - EDGE; i < n; i++) push(i);
    } else {
      for (let i = 0; i < n; i++) push(i);
    }
    const last = dim === t.ndim - 1;
    const sep = last ? ', ' : ',' + '\n'.repeat(t.ndim - dim - 1) + ' '.repeat(indent + dim + 1);
    return '[' + parts.join(sep) + ']';
  };
  const body = t.ndim === 0 ? fmt(t.data[0]) : render(0, 0);
  const extras: string[] = [];
  if (t.numel() === 0) extras.push(`size=[${t.shape.join(', ')}]`);
  if (t.dtype !== 'float32' && (t.dtype !== 'bool' || t.numel() === 0)) extras.push(`dtype=${t.dtype}`);
  if (t.gradFn) extras.push(`gradFn=<${t.gradFn}>`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  return `tensor(${body}${extras.map((e) => ', ' + e).join('')})`;
}

function collectShown(t: Tensor, summarize: boolean): number[] {
  if (!summarize) return Array.from(t.data);
  const out: number[] = [];
  const n = t.numel();
  for (let i = 0; i < Math.min(n, 200); i++) out.push(t.data[i]);
  for (let i = Math.max(0, n - 200); i < n; i++) out.push(t.data[i]);
  return out;
}

function numberFormatter(values: number[], integer: boolean): (v: number) => string {
  if (integer) return (v) => String(v);
  const finite = values.filter((v) => Number.isFinite(v));
  const allIntegral = finite.every((v) => Number.isInteger(v));
  const abs = finite.map(Math.abs).filter((v) => v > 0);
  const max = abs.length ? Math.max(...abs) : 0;
  const min = abs.length ? Math.min(...abs) : 0;
  const special = (v: number) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  if (allIntegral && max < 1e8) return (v) => (Number.isFinite(v) ? `${v}.` : special(v));
  if (max >= 1e8 || (min > 0 && min < 1e-4) || (max > 0 && max / min > 1000 && min < 1e-2)) {
    return (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : special(v));
  }
  return (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
}
