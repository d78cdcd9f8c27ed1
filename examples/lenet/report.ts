import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { imageGrid, confusionChart } from './images.js';
import { lineChart } from './line-chart.js';
import type { Config } from './args.js';

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  testLoss: number;
  testAcc: number;
  seconds: number;
  samplesPerSec: number;
}

export interface Metrics {
  config: Config;
  epochs: EpochMetrics[];
  final: { testAcc: number; testLoss: number } | null;
  translation: { shift: number; testAcc: number }[];
  interrupted: boolean;
  /** CPU seconds (user + system, all threads) of the whole run: unlike wall time, nearly independent of the machine's load. */
  cpuSeconds?: number;
}

export interface ReportInputs {
  metrics: Metrics;
  summary: string;
  /** First conv layer's weight [O, C, kH, kW]. */
  filters: { data: ArrayLike<number>; shape: readonly number[] };
  confusion: number[][];
  classNames: readonly string[];
  /** A few misclassified test (or validation) images, [C, H, W] each. */
  misclassified: { pixels: ArrayLike<number>; label: number; predicted: number }[];
  imageShape: readonly [number, number, number];
}

/** Writes via a temporary file and a rename, so a reader never sees half a file. */
export function writeAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function writeMetrics(dir: string, metrics: Metrics): void {
  writeAtomic(join(dir, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
}

/** The augmentation in words ('none' without any). */
export function augmentationText(c: Config): string {
  const parts = [
    c.augment ? `moves up to ${c.augment} px` : '',
    c.rotate ? `rotations up to ${c.rotate}°` : '',
    c.scale ? `scaling by ${1 - c.scale}-${1 + c.scale}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none';
}

/** The optimizer and its schedule in words, as the report and the seed sweep print them. */
export function recipeText(c: Config): string {
  const schedule = `${c.schedule === 'cosine' ? 'cosine annealing' : 'constant'}${c.warmup ? `, linear warmup over ${c.warmup} batches` : ''}`;
  return `Optimizer ${c.optimizer}, lr ${c.lr} (${schedule}), momentum ${c.momentum}, weight decay ${c.weightDecay}, batch size ${c.batchSize}`;
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const dataUri = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

/** Writes the images, the charts and report.html (self-contained: every image inlined, no network). */
export function writeReport(dir: string, r: ReportInputs): void {
  const { metrics } = r;
  const [O, C, kH, kW] = r.filters.shape;
  const filtersPng = imageGrid(r.filters.data, O, C === 3 ? 3 : C, kH, kW, { scale: 16, columns: Math.min(O, 8) });
  writeAtomic(join(dir, 'filters_conv1.png'), filtersPng);

  const [ic, ih, iw] = r.imageShape;
  const mis = r.misclassified;
  const flat = new Float32Array(mis.length * ic * ih * iw);
  mis.forEach((m, i) => flat.set(Array.from(m.pixels), i * ic * ih * iw));
  if (mis.length) writeAtomic(join(dir, 'misclassified.png'), imageGrid(flat, mis.length, ic, ih, iw, { scale: 3, columns: 8, normalizeEach: true }));

  const epochs = metrics.epochs;
  const evalName = metrics.config.validation === null ? 'test' : 'validation';
  const lossSvg = lineChart('Loss', [
    { name: 'train', values: epochs.map((e) => e.trainLoss), color: '#1f77b4' },
    { name: evalName, values: epochs.map((e) => e.testLoss), color: '#d62728' },
  ], 'cross-entropy');
  const accSvg = lineChart('Accuracy', [
    { name: 'train', values: epochs.map((e) => 100 * e.trainAcc), color: '#1f77b4' },
    { name: evalName, values: epochs.map((e) => 100 * e.testAcc), color: '#d62728' },
  ], 'accuracy', { yMax: 100, unit: '%' });
  const confusionSvg = confusionChart(r.confusion, r.classNames);
  writeAtomic(join(dir, 'loss_curve.svg'), lossSvg);
  writeAtomic(join(dir, 'accuracy_curve.svg'), accSvg);
  writeAtomic(join(dir, 'confusion_matrix.svg'), confusionSvg);

  const rows = epochs
    .map((e) => `<tr><td>${e.epoch}</td><td>${e.trainLoss.toFixed(4)}</td><td>${pct(e.trainAcc)}</td><td>${e.testLoss.toFixed(4)}</td><td>${pct(e.testAcc)}</td><td>${e.seconds.toFixed(1)}</td><td>${Math.round(e.samplesPerSec)}</td></tr>`)
    .join('\n');
  const translation = metrics.translation
    .map((t) => `<tr><td>${t.shift === 0 ? 'none' : `${t.shift} px right and down`}</td><td>${pct(t.testAcc)}</td></tr>`)
    .join('\n');
  const misTiles = mis
    .map((m, i) => {
      const png = imageGrid(flat.subarray(i * ic * ih * iw, (i + 1) * ic * ih * iw), 1, ic, ih, iw, { scale: 3 });
      return `<figure><img src="${dataUri(png)}" alt="misclassified"><figcaption>true <b>${escape(r.classNames[m.label])}</b><br>predicted <b>${escape(r.classNames[m.predicted])}</b></figcaption></figure>`;
    })
    .join('\n');
  const c = metrics.config;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>torchlet: ${escape(c.model)} on ${escape(c.dataset)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1000px; margin: 2em auto; color: #222; padding: 0 1em; }
table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; } .charts { display: flex; flex-wrap: wrap; gap: 1em; }
figure { display: inline-block; margin: 4px; text-align: center; font-size: 12px; } img { image-rendering: pixelated; }
</style></head><body>
<h1>${escape(c.model)} on ${escape(c.dataset)}</h1>
<p>${metrics.final ? `Final ${evalName} accuracy <b>${pct(metrics.final.testAcc)}</b>, ${evalName} loss ${metrics.final.testLoss.toFixed(4)}` : 'No epoch finished.'}
${metrics.interrupted ? ' (interrupted; resume from checkpoint.safetensors)' : ''}</p>
<p>${escape(recipeText(c))}, ${epochs.length} of ${c.epochs} epochs, seed ${c.seed}.
Augmentation: ${augmentationText(c)}${c.labelSmoothing ? `; label smoothing ${c.labelSmoothing}` : ''}.${c.validation ? ` Evaluated on ${c.validation} held-out training images, not the test set.` : ''}</p>
<h2>Architecture</h2><pre>${escape(r.summary)}</pre>
<h2>Training</h2>
<table><tr><th>epoch</th><th>train loss</th><th>train acc</th><th>${evalName} loss</th><th>${evalName} acc</th><th>seconds</th><th>samples/s</th></tr>
${rows}</table>
<div class="charts">${lossSvg}${accSvg}</div>
<h2>What the first layer learned</h2>
<p>The ${O} filters of the first convolution (${kH}x${kW}), each scaled to its own range (dark: negative, light: positive).</p>
<img src="${dataUri(filtersPng)}" alt="conv1 filters">
<h2>Translation check</h2>
<p>Accuracy on the ${evalName} images shifted right and down (zero fill): how much position invariance the pooling gives.</p>
<table><tr><th>shift</th><th>${evalName} acc</th></tr>${translation}</table>
<h2>Confusion matrix (${evalName} set)</h2>
${confusionSvg}
<h2>Misclassified ${evalName} images</h2>
<div>${misTiles || 'none'}</div>
</body></html>
`;
  writeAtomic(join(dir, 'report.html'), html);
}
