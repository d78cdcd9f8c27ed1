import { join } from 'node:path';
import { lineChart, type Series } from './line-chart.js';
import { writeAtomic, type Metrics } from './report.js';
import { median, summarize } from './sweep.js';

export interface SeedRun {
  seed: number;
  /** Wall time of the whole run (process start to exit). */
  seconds: number;
  metrics: Metrics;
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Each seed's accuracy curve faint, the per-epoch median over the seeds bold; from `firstEpoch` on, so that a
 * chart of the last epochs shows the spread the first epochs' climb would squash.
 */
export function sweepChart(runs: readonly SeedRun[], evalName: string, firstEpoch = 1): string {
  const epochs = Math.min(...runs.map((r) => r.metrics.epochs.length));
  const from = Math.min(firstEpoch, epochs);
  const curves = runs.map((r) => r.metrics.epochs.slice(from - 1, epochs).map((e) => 100 * e.testAcc));
  const medianCurve = curves[0].map((_, i) => median(curves.map((c) => c[i])));
  const series: Series[] = [
    ...curves.map((values, k) => ({ name: 'each seed', values, color: '#d62728', width: 1, opacity: 0.3, legend: k === 0 })),
    { name: 'median', values: medianCurve, color: '#d62728', width: 3 },
  ];
  const title = `${evalName[0].toUpperCase()}${evalName.slice(1)} accuracy, ${runs.length} seeds${from > 1 ? `, epochs ${from}-${epochs}` : ''}`;
  return lineChart(title, series, 'accuracy', { yMax: 100, unit: '%', firstEpoch: from });
}

/** sweep.json (every seed's final accuracy and wall time), the spread charts (SVG) and sweep.html. */
export function writeSweepReport(dir: string, runs: readonly SeedRun[]): void {
  const evalName = runs[0].metrics.config.validation === null ? 'test' : 'validation';
  const accs = runs.map((r) => r.metrics.final!.testAcc);
  const summary = { accuracy: summarize(accs), wallSeconds: summarize(runs.map((r) => r.seconds)) };
  writeAtomic(
    join(dir, 'sweep.json'),
    JSON.stringify({ evaluatedOn: evalName, config: runs[0].metrics.config, summary, seeds: runs.map((r) => ({ seed: r.seed, accuracy: r.metrics.final!.testAcc, wallSeconds: r.seconds })) }, null, 2) + '\n',
  );
  const chart = sweepChart(runs, evalName);
  const epochs = Math.min(...runs.map((r) => r.metrics.epochs.length));
  const lastEpochs = epochs >= 4 ? sweepChart(runs, evalName, Math.ceil(epochs / 2) + 1) : '';
  writeAtomic(join(dir, 'accuracy_sweep.svg'), chart);
  if (lastEpochs) writeAtomic(join(dir, 'accuracy_sweep_last_epochs.svg'), lastEpochs);
  const c = runs[0].metrics.config;
  const rows = runs
    .map((r) => `<tr><td>${r.seed}</td><td>${pct(r.metrics.final!.testAcc)}</td><td>${r.seconds.toFixed(1)}</td><td><a href="seed-${r.seed}/report.html">report</a></td></tr>`)
    .join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>torchlet: ${escape(c.model)} on ${escape(c.dataset)} over ${runs.length} seeds</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1040px; margin: 2em auto; color: #222; padding: 0 1em; }
table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
.charts { display: flex; flex-wrap: wrap; gap: 1em; }
</style></head><body>
<h1>${escape(c.model)} on ${escape(c.dataset)} over ${runs.length} seeds</h1>
<p>Final ${evalName} accuracy: min <b>${pct(summary.accuracy.min)}</b>, median <b>${pct(summary.accuracy.median)}</b>, max <b>${pct(summary.accuracy.max)}</b>.
Wall time per run: median ${summary.wallSeconds.median.toFixed(1)} s.</p>
<div class="charts">${chart}${lastEpochs}</div>
<table><tr><th>seed</th><th>${evalName} acc</th><th>wall s</th><th></th></tr>
${rows}</table>
</body></html>
`;
  writeAtomic(join(dir, 'sweep.html'), html);
}
