import { crossEntropy, noGrad, type Tensor } from '@torchlet/core';
import type { Sequential } from '@torchlet/nn';
import type { Optimizer } from '@torchlet/optim';
import type { DataLoader, Transform } from '@torchlet/data';
import cliProgress from 'cli-progress';

export interface EpochResult {
  loss: number;
  acc: number;
  samples: number;
  seconds: number;
  /** True when a stop was requested and the epoch ended early. */
  stopped: boolean;
}

/** Counts correct predictions in a batch of logits [B, classes]. */
function correctCount(logits: Tensor, labels: Tensor): number {
  const pred = logits.argmax(1).data;
  let n = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels.data[i]) n++;
  return n;
}

/** Lets pending events run: signal handlers (Ctrl-C) only fire when the event loop gets a turn. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One pass over the training set with a progress bar; checks `shouldStop` after every batch. */
export async function trainEpoch(
  model: Sequential,
  loader: DataLoader,
  optimizer: Optimizer,
  prepare: Transform,
  label: string,
  shouldStop: () => boolean,
  labelSmoothing = 0,
  /** Called with each batch's index before its optimizer step (a warmup sets the learning rate here). */
  beforeStep?: (batch: number) => void,
): Promise<EpochResult> {
  model.train();
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} batches | loss {loss} | acc {acc} | {rate} samples/s | ETA {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(loader.length, 0, { loss: '-', acc: '-', rate: '-' });
  const start = performance.now();
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  let batch = 0;
  let stopped = false;
  for (const { x, y } of loader) {
    const logits = model.forward(prepare(x));
    const loss = crossEntropy(logits, y, { labelSmoothing });
    optimizer.zeroGrad();
    loss.backward();
    beforeStep?.(batch++);
    optimizer.step();
    const b = y.numel();
    lossSum += loss.item() * b;
    correct += correctCount(logits, y);
    seen += b;
    const secs = (performance.now() - start) / 1000;
    bar.increment({ loss: (lossSum / seen).toFixed(4), acc: `${((100 * correct) / seen).toFixed(2)}%`, rate: Math.round(seen / secs) });
    await yieldToEventLoop();
    if (shouldStop()) {
      stopped = true;
      break;
    }
  }
  bar.stop();
  return { loss: lossSum / Math.max(seen, 1), acc: correct / Math.max(seen, 1), samples: seen, seconds: (performance.now() - start) / 1000, stopped };
}

export interface Evaluation {
  loss: number;
  acc: number;
  /** confusion[true][predicted] */
  confusion: number[][];
  /** Flat indices (in loader order) of misclassified samples, with their predictions. */
  mistakes: { index: number; label: number; predicted: number }[];
}

/** Loss, accuracy and confusion matrix over a loader, in eval mode and without recording. */
export function evaluate(model: Sequential, loader: DataLoader, prepare: Transform, classes: number): Evaluation {
  model.eval();
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const mistakes: Evaluation['mistakes'] = [];
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  noGrad(() => {
    for (const { x, y } of loader) {
      const logits = model.forward(prepare(x));
      lossSum += crossEntropy(logits, y, { reduction: 'sum' }).item();
      const pred = logits.argmax(1).data;
      for (let i = 0; i < pred.length; i++) {
        const t = y.data[i];
        confusion[t][pred[i]]++;
        if (pred[i] === t) correct++;
        else mistakes.push({ index: seen + i, label: t, predicted: pred[i] });
      }
      seen += pred.length;
    }
  });
  return { loss: lossSum / Math.max(seen, 1), acc: correct / Math.max(seen, 1), confusion, mistakes };
}
