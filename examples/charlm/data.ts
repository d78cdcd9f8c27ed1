import { Generator, Tensor } from '@torchlet/core';

/** '.' marks both the start and the end of a name, as in makemore; the other tokens are the names' characters. */
export const BOUNDARY = '.';
/** Targets past a name's end: crossEntropy's ignoreIndex, so padding adds nothing to the loss. */
export const IGNORE = -1;

export class Vocabulary {
  readonly chars: string[];
  private readonly index: Map<string, number>;

  constructor(chars: readonly string[]) {
    this.chars = [...chars];
    this.index = new Map(this.chars.map((c, i) => [c, i]));
    if (this.chars[0] !== BOUNDARY || this.index.size !== this.chars.length) throw new Error(`charlm: a vocabulary starts with '${BOUNDARY}' and has no repeats`);
  }

  static fromNames(names: readonly string[]): Vocabulary {
    return new Vocabulary([BOUNDARY, ...[...new Set(names.join(''))].sort()]);
  }

  get size(): number {
    return this.chars.length;
  }

  encode(c: string): number {
    const i = this.index.get(c);
    if (i === undefined) throw new Error(`charlm: character ${JSON.stringify(c)} is not in the vocabulary`);
    return i;
  }
}

/**
 * A batch of names as int32 [B, T] inputs ('.' then the name, padded with '.') and targets (the name then '.',
 * padded with IGNORE), T the longest name in the batch plus one. Position t predicts character t + 1.
 */
export function encodeBatch(vocab: Vocabulary, names: readonly string[]): { x: Tensor; y: Tensor; count: number } {
  const T = Math.max(...names.map((n) => n.length)) + 1;
  const x = new Int32Array(names.length * T);
  const y = new Int32Array(names.length * T).fill(IGNORE);
  let count = 0;
  names.forEach((name, b) => {
    for (let t = 0; t <= name.length; t++) {
      x[b * T + t] = t === 0 ? 0 : vocab.encode(name[t - 1]);
      y[b * T + t] = t === name.length ? 0 : vocab.encode(name[t]);
    }
    count += name.length + 1;
  });
  return { x: new Tensor(x, [names.length, T]), y: new Tensor(y, [names.length, T]), count };
}

/** The names in batches, in an order drawn from (seed, epoch) alone so a resumed run sees what an unbroken one would. */
export function batches(names: readonly string[], batchSize: number, seed: number, epoch: number | null): string[][] {
  const order = names.map((_, i) => i);
  if (epoch !== null) {
    const g = new Generator(seed * 1009 + epoch);
    for (let i = order.length - 1; i > 0; i--) {
      const j = g.integer(0, i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
  }
  const out: string[][] = [];
  for (let i = 0; i < order.length; i += batchSize) out.push(order.slice(i, i + batchSize).map((k) => names[k]));
  return out;
}
