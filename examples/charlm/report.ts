import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './args.js';

export interface EpochMetrics {
  epoch: number;
  /** Mean cross-entropy per predicted character (including the end marker), in nats. */
  trainLoss: number;
  valLoss: number;
  seconds: number;
}

export interface Metrics {
  config: Config;
  parameters: number;
  epochs: EpochMetrics[];
  samples: string[];
  interrupted: boolean;
}

export function writeAtomic(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function writeMetrics(dir: string, metrics: Metrics): void {
  writeAtomic(join(dir, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
}

/** Train and validation loss per epoch as a self-contained SVG line chart. */
export function lossCurveSvg(epochs: readonly EpochMetrics[], title: string): string {
  const W = 560;
  const H = 320;
  const pad = { left: 56, right: 16, top: 32, bottom: 40 };
  const values = epochs.flatMap((e) => [e.trainLoss, e.valLoss]);
  const lo = Math.floor(Math.min(...values, 2) * 10) / 10;
  const hi = Math.ceil(Math.max(...values, lo + 0.1) * 10) / 10;
  const n = Math.max(epochs.length, 2);
  const px = (epoch: number) => pad.left + ((epoch - 1) / (n - 1)) * (W - pad.left - pad.right);
  const py = (v: number) => pad.top + ((hi - v) / (hi - lo)) * (H - pad.top - pad.bottom);
  const line = (key: 'trainLoss' | 'valLoss', color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${epochs.map((e) => `${px(e.epoch).toFixed(1)},${py(e[key]).toFixed(1)}`).join(' ')}"/>` +
    epochs.map((e) => `<circle cx="${px(e.epoch).toFixed(1)}" cy="${py(e[key]).toFixed(1)}" r="3" fill="${color}"/>`).join('');
  const ticks = Array.from({ length: 5 }, (_, i) => lo + ((hi - lo) * i) / 4);
  const yAxis = ticks
    .map((v) => `<line x1="${pad.left}" x2="${W - pad.right}" y1="${py(v)}" y2="${py(v)}" stroke="#ddd"/><text x="${pad.left - 6}" y="${py(v) + 4}" text-anchor="end">${v.toFixed(2)}</text>`)
    .join('');
  const xAxis = epochs.map((e) => `<text x="${px(e.epoch)}" y="${H - pad.bottom + 16}" text-anchor="middle">${e.epoch}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">${title}</text>
${yAxis}${xAxis}
<text x="${W / 2}" y="${H - 6}" text-anchor="middle">epoch</text>
<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">nats per character</text>
${line('trainLoss', '#1f77b4')}${line('valLoss', '#d62728')}
<text x="${W - pad.right - 120}" y="${pad.top + 14}" fill="#1f77b4">train</text><text x="${W - pad.right - 60}" y="${pad.top + 14}" fill="#d62728">validation</text>
</svg>
`;
}
