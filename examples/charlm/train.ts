import { crossEntropy, noGrad } from '@torchlet/core';
import { clipGradNorm_, type Optimizer } from '@torchlet/optim';
import cliProgress from 'cli-progress';
import { IGNORE, type Vocabulary, encodeBatch } from './data.js';
import type { LanguageModel } from './models.js';

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Cross-entropy summed over the real (non-padding) characters of a batch, and their count. */
function batchLoss(model: LanguageModel, vocab: Vocabulary, names: readonly string[]) {
  const { x, y, count } = encodeBatch(vocab, names);
  const logits = model(x);
  const V = logits.shape[2];
  const loss = crossEntropy(logits.reshape([-1, V]), y.reshape([-1]), { ignoreIndex: IGNORE, reduction: 'sum' });
  return { loss, count };
}

export interface EpochResult {
  loss: number;
  seconds: number;
  stopped: boolean;
}

/** One pass with a progress bar; the loss is in nats per character. Checks `shouldStop` after every batch. */
export async function trainEpoch(
  model: LanguageModel, vocab: Vocabulary, batches: string[][], optimizer: Optimizer, label: string, shouldStop: () => boolean,
): Promise<EpochResult> {
  model.train();
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} batches | loss {loss} | {rate} names/s | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(batches.length, 0, { loss: '-', rate: '-' });
  const start = performance.now();
  let total = 0;
  let chars = 0;
  let names = 0;
  let stopped = false;
  for (const batch of batches) {
    const { loss, count } = batchLoss(model, vocab, batch);
    optimizer.zeroGrad();
    loss.div(count).backward();
    clipGradNorm_(model.parameters(), 1);
    optimizer.step();
    total += loss.item();
    chars += count;
    names += batch.length;
    bar.increment({ loss: (total / chars).toFixed(4), rate: Math.round(names / ((performance.now() - start) / 1000)) });
    await yieldToEventLoop();
    if (shouldStop()) {
      stopped = true;
      break;
    }
  }
  bar.stop();
  return { loss: total / Math.max(chars, 1), seconds: (performance.now() - start) / 1000, stopped };
}

/** Nats per character over names, in eval mode without recording. */
export function evaluate(model: LanguageModel, vocab: Vocabulary, batches: string[][]): number {
  model.eval();
  let total = 0;
  let chars = 0;
  noGrad(() => {
    for (const batch of batches) {
      const { loss, count } = batchLoss(model, vocab, batch);
      total += loss.item();
      chars += count;
    }
  });
  return total / Math.max(chars, 1);
}
