import { Tensor, noGrad, zeros, type DType } from '@torchlet/core';
import type { Module } from './module.js';

/** Options of a module's `summary()`. */
export interface SummaryOptions {
  /** dtype of the zero input (float32 by default). */
  dtype?: DType;
  /** Print the table with console.log (default true); it is returned either way. */
  print?: boolean;
}

interface Row {
  layer: string;
  outputShape: string;
  params: number;
}

/**
 * The architecture table of Module.summary. Each leaf module's forward is wrapped for the duration of one
 * forward pass (an own property shadowing the prototype's method, removed afterwards) to record its output shape.
 */
export function summarize(model: Module, inputShape: readonly number[], options: SummaryOptions = {}): string {
  if (!Array.isArray(inputShape) || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`summary: inputShape must be an array of positive integers (without the batch dimension), got ${JSON.stringify(inputShape)}`);
  }
  const rows: Row[] = [];
  const wrapped: Module[] = [];
  for (const [name, m] of model.namedModules()) {
    const isLeaf = m.children().next().done === true;
    if (!isLeaf) continue;
    const original = m.forward;
    const params = [...m.parameters()].reduce((n, p) => n + p.numel(), 0);
    Object.defineProperty(m, 'forward', {
      configurable: true,
      enumerable: false,
      value: (...args: unknown[]) => {
        const out = original.apply(m, args);
        const shape = out instanceof Tensor ? `[-1, ${out.shape.slice(1).join(', ')}]` : '?';
        rows.push({ layer: `${name || '(model)'} (${m.constructor.name})`, outputShape: shape, params });
        return out;
      },
    });
    wrapped.push(m);
  }
  const wasTraining = [...model.modules()].map((m) => m.training);
  try {
    model.eval();
    noGrad(() => model.forward(zeros([1, ...inputShape], { dtype: options.dtype })));
  } finally {
    for (const m of wrapped) delete (m as { forward?: unknown }).forward;
    [...model.modules()].forEach((m, i) => (m.training = wasTraining[i]));
  }

  const all = [...model.parameters()];
  const total = all.reduce((n, p) => n + p.numel(), 0);
  const trainable = all.filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel(), 0);
  const count = (n: number): string => n.toLocaleString('en-US');
  const w1 = Math.max(12, ...rows.map((r) => r.layer.length));
  const w2 = Math.max(12, ...rows.map((r) => r.outputShape.length));
  const w3 = Math.max(7, ...rows.map((r) => count(r.params).length));
  const width = w1 + w2 + w3 + 4;
  const line = (a: string, b: string, c: string): string => `${a.padEnd(w1)}  ${b.padEnd(w2)}  ${c.padStart(w3)}`;
  const text = [
    '-'.repeat(width),
    line('Layer (type)', 'Output Shape', 'Param #'),
    '='.repeat(width),
    `${'Input'.padEnd(w1)}  [-1, ${inputShape.join(', ')}]`,
    ...rows.map((r) => line(r.layer, r.outputShape, count(r.params))),
    '='.repeat(width),
    `Total params: ${count(total)}`,
    `Trainable params: ${count(trainable)}`,
    `Non-trainable params: ${count(total - trainable)}`,
    '-'.repeat(width),
  ].join('\n');
  if (options.print ?? true) console.log(text);
  return text;
}
