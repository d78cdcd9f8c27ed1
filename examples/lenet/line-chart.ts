// Line charts over epochs as standalone SVG, with axis ticks at round values as a plotting library places them.

export interface Series {
  name: string;
  values: number[];
  color: string;
  /** Line width in pixels (default 2). */
  width?: number;
  /** 0..1 (default 1); faint lines also get no dots. */
  opacity?: number;
  /** Whether the series gets a legend entry (default true). */
  legend?: boolean;
}

export interface LineChartOptions {
  /** The axis never goes past this (accuracy: 100). */
  yMax?: number;
  /** Appended to every y tick label, e.g. '%'. */
  unit?: string;
  /** The epoch of every series' first value (default 1), for a chart of the last epochs only. */
  firstEpoch?: number;
}

export interface Ticks {
  lo: number;
  hi: number;
  step: number;
  values: number[];
  /** Decimals that show every tick of this step exactly (0.5 -> 1, 20 -> 0). */
  decimals: number;
}

/** 1, 2, 2.5 or 5 times a power of ten, the smallest of them at least `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const f = rough / power;
  return power * (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10);
}

/**
 * Round ticks covering lo..hi with about `count` intervals: the axis runs from a multiple of the step at or below
 * lo to one at or above hi (Heckbert's "nice numbers"). `integer` keeps the step whole (epochs).
 */
export function niceTicks(lo: number, hi: number, count = 5, integer = false): Ticks {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) throw new Error(`niceTicks: expected finite bounds, got ${lo} and ${hi}`);
  if (!(hi > lo)) {
    lo -= integer ? 1 : 0.5;
    hi += integer ? 1 : 0.5;
  }
  let step = niceStep((hi - lo) / count);
  if (integer) step = Math.max(1, Math.round(step));
  // Snap to the step's own grid; the small tolerance keeps float error from adding an extra tick.
  const first = Math.floor(lo / step + 1e-9) * step;
  const last = Math.ceil(hi / step - 1e-9) * step;
  const n = Math.round((last - first) / step);
  let decimals = 0;
  while (decimals < 10 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-9) decimals++;
  const values = Array.from({ length: n + 1 }, (_, k) => Number((first + k * step).toFixed(decimals)));
  return { lo: values[0], hi: values[values.length - 1], step, values, decimals };
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A line chart over epochs, its y axis spanning the data to the nearest round ticks. */
export function lineChart(title: string, series: Series[], yLabel: string, options: LineChartOptions = {}): string {
  const W = 480;
  const H = 300;
  const L = 56;
  const R = 16;
  const T = 32;
  const B = 40;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const n = Math.max(1, ...series.map((s) => s.values.length));
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  const yMax = options.yMax ?? Infinity;
  hi = Math.min(hi, yMax);
  const yt = niceTicks(lo, hi);
  if (yt.hi > yMax) {
    // The axis ends at the cap; ticks stay on round values.
    yt.values = yt.values.filter((v) => v <= yMax);
    yt.hi = yMax;
  }
  const e0 = options.firstEpoch ?? 1;
  const eN = e0 + n - 1;
  const xTicks = n === 1 ? [e0] : niceTicks(e0, eN, Math.min(n - 1, 5), true).values.filter((v) => v >= e0 && v <= eN);
  const xLo = n === 1 ? e0 - 1 : e0;
  const xHi = n === 1 ? e0 + 1 : eN;
  const x = (epoch: number) => L + ((epoch - xLo) * (W - L - R)) / (xHi - xLo);
  const y = (v: number) => T + ((yt.hi - v) * (H - T - B)) / (yt.hi - yt.lo);
  const unit = options.unit ?? '';
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="18" font-size="13">${escape(title)}</text>`,
  ];
  for (const v of yt.values) {
    parts.push(`<line x1="${L}" y1="${y(v)}" x2="${W - R}" y2="${y(v)}" stroke="#eee"/>`);
    parts.push(`<text x="${L - 4}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(yt.decimals)}${escape(unit)}</text>`);
  }
  for (const e of xTicks) {
    parts.push(`<line x1="${x(e)}" y1="${H - B}" x2="${x(e)}" y2="${H - B + 4}" stroke="#333"/>`);
    parts.push(`<text x="${x(e)}" y="${H - B + 16}" text-anchor="middle">${e}</text>`);
  }
  parts.push(
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#333"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#333"/>`,
    `<text x="${W / 2}" y="${H - 6}" text-anchor="middle">epoch</text>`,
    `<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">${escape(yLabel)}</text>`,
  );
  const legends = series.filter((s) => s.legend !== false);
  series.forEach((s) => {
    const opacity = s.opacity ?? 1;
    const pts = s.values.map((v, i) => `${x(e0 + i).toFixed(1)},${y(Math.min(v, yt.hi)).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 2}" stroke-opacity="${opacity}"/>`);
    if (opacity === 1) s.values.forEach((v, i) => parts.push(`<circle cx="${x(e0 + i).toFixed(1)}" cy="${y(Math.min(v, yt.hi)).toFixed(1)}" r="2.5" fill="${s.color}"/>`));
  });
  // Legend in the title row, clear of the plotted lines.
  legends.forEach((s, k) => {
    const lx = W - R - 70 * legends.length + k * 70;
    parts.push(`<rect x="${lx}" y="9" width="10" height="10" fill="${s.color}" fill-opacity="${Math.max(s.opacity ?? 1, 0.35)}"/>`);
    parts.push(`<text x="${lx + 14}" y="18">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
