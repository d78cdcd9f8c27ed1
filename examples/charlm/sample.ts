import { Generator, noGrad, softmax, tensor } from '@torchlet/core';
import type { LanguageModel } from './models.js';
import type { Vocabulary } from './data.js';

/**
 * Draws names one character at a time from softmax(logits / temperature), starting from '.' and stopping at the
 * next '.' (or at maxLength characters). The whole prefix is fed again at every step: names are short.
 */
export function sampleNames(model: LanguageModel, vocab: Vocabulary, count: number, options: { temperature: number; seed: number; maxLength: number }): string[] {
  const g = new Generator(options.seed);
  model.eval();
  return noGrad(() =>
    Array.from({ length: count }, () => {
      const tokens = [0];
      while (tokens.length <= options.maxLength) {
        const logits = model(tensor(tokens, { shape: [1, tokens.length], dtype: 'int32' }));
        const last = logits.select(1, tokens.length - 1).div(options.temperature);
        const p = softmax(last, -1).data;
        let u = g.random();
        let next = p.length - 1;
        for (let i = 0; i < p.length; i++) {
          u -= p[i];
          if (u < 0) {
            next = i;
            break;
          }
        }
        if (next === 0) break;
        tokens.push(next);
      }
      return tokens.slice(1).map((t) => vocab.chars[t]).join('');
    }),
  );
}
