import { Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { rejectExtraArguments } from '../options.js';
import { matmul } from './linalg.js';
import { mul } from './arithmetic.js';
import { sum } from './reduction.js';
import { permute, reshape } from './shape.js';

/** mm, bmm and einsum: matmul with PyTorch's stricter shape rules, and einsum as broadcast products and sums. */

function checkMatrices(op: string, a: Tensor, b: Tensor, ndim: number, what: string): void {
  for (const [name, t] of [['input', a], ['mat2', b]] as const) {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor ${name}, got ${t === null ? 'null' : typeof t}`);
    if (t.ndim !== ndim) throw new Error(`${op}: expected ${what}, got ${name} of shape ${formatShape(t.shape)}`);
  }
}

/** torch.mm: [n, m] @ [m, p], 2-D only (no broadcasting: matmul does that). */
export function mm(input: Tensor, mat2: Tensor): Tensor {
  rejectExtraArguments('mm', 2, arguments.length);
  checkMatrices('mm', input, mat2, 2, '2-D matrices');
  if (input.shape[1] !== mat2.shape[0]) {
    throw new Error(`mm: shapes ${formatShape(input.shape)} and ${formatShape(mat2.shape)} cannot be multiplied (${input.shape[1]} != ${mat2.shape[0]})`);
  }
  return matmul(input, mat2);
}

/** torch.bmm: [b, n, m] @ [b, m, p], the same batch size on both sides. */
export function bmm(input: Tensor, mat2: Tensor): Tensor {
  rejectExtraArguments('bmm', 2, arguments.length);
  checkMatrices('bmm', input, mat2, 3, '3-D batches of matrices');
  if (input.shape[0] !== mat2.shape[0] || input.shape[2] !== mat2.shape[1]) {
    throw new Error(`bmm: shapes ${formatShape(input.shape)} and ${formatShape(mat2.shape)} do not match as [b, n, m] and [b, m, p]`);
  }
  return matmul(input, mat2);
}

const LETTER = /^[a-zA-Z]$/;

/**
 * torch.einsum for equations of letters: any number of operands, explicit ('ij,jk->ik') or implicit ('ij,jk',
 * whose output is the letters used once, sorted) output. Not supported (an error says so): '...' ellipses and a
 * letter repeated within one operand (diagonals, traces such as 'ii'). Every operand is permuted and reshaped onto
 * all the equation's letters, the operands are multiplied with broadcasting, and the letters not in the output are
 * summed: simple and differentiable through those ops, but it materializes the full product (for a large matrix
 * product, matmul is the fast way).
 */
export function einsum(equation: string, ...operands: Tensor[] | [readonly Tensor[]]): Tensor {
  if (typeof equation !== 'string') throw new TypeError(`einsum: expected an equation string first, got ${typeof equation}`);
  const tensors = (operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands) as unknown[];
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`einsum: operand ${i} is not a Tensor, got ${t === null ? 'null' : typeof t}`);
  });
  const eq = equation.replace(/\s+/g, '');
  if (eq.includes('.')) throw new Error(`einsum: '...' (ellipsis) is not supported, got "${equation}"`);
  const [lhs, rhs, ...more] = eq.split('->');
  if (more.length) throw new Error(`einsum: expected at most one '->' in "${equation}"`);
  const terms = lhs.split(',');
  if (terms.length !== tensors.length) throw new Error(`einsum: "${equation}" has ${terms.length} operands but ${tensors.length} tensors were given`);
  const list = tensors as Tensor[];
  const sizes = new Map<string, number>();
  terms.forEach((term, i) => {
    const letters = [...term];
    if (letters.some((c) => !LETTER.test(c))) throw new Error(`einsum: operand ${i} "${term}" must be letters only`);
    if (new Set(letters).size !== letters.length) throw new Error(`einsum: a letter repeated within operand ${i} ("${term}", a diagonal) is not supported`);
    if (letters.length !== list[i].ndim) throw new Error(`einsum: operand ${i} "${term}" names ${letters.length} dims but has shape ${formatShape(list[i].shape)}`);
    letters.forEach((c, d) => {
      const size = list[i].shape[d];
      const seen = sizes.get(c);
      if (seen !== undefined && seen !== size) throw new Error(`einsum: letter ${c} has size ${seen} and ${size} (operand ${i} of shape ${formatShape(list[i].shape)})`);
      sizes.set(c, size);
    });
  });
  const all = [...sizes.keys()];
  const counts = new Map(all.map((c) => [c, terms.reduce((n, t) => n + (t.includes(c) ? 1 : 0), 0)]));
  const output = rhs === undefined ? all.filter((c) => counts.get(c) === 1).sort() : [...rhs];
  output.forEach((c) => {
    if (!sizes.has(c)) throw new Error(`einsum: output letter ${c} appears in no operand of "${equation}"`);
  });
  if (new Set(output).size !== output.length) throw new Error(`einsum: an output letter is repeated in "${equation}"`);
  // every operand onto all letters, in the order of `all`
  const aligned = list.map((t, i) => {
    const letters = [...terms[i]];
    const order = all.filter((c) => letters.includes(c));
    const moved = permute(t, order.map((c) => letters.indexOf(c)));
    return reshape(moved, all.map((c) => (letters.includes(c) ? sizes.get(c)! : 1)));
  });
  let product = aligned.reduce((a, b) => mul(a, b));
  const summed = all.flatMap((c, d) => (output.includes(c) ? [] : [d]));
  if (summed.length) product = sum(product, summed);
  const kept = all.filter((c) => output.includes(c));
  return permute(product, output.map((c) => kept.indexOf(c)));
}
