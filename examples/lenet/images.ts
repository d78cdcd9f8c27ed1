import { PNG } from 'pngjs';

/** An RGBA canvas of whole pixels, encoded as PNG by pngjs. */
class Canvas {
  readonly png: PNG;
  constructor(readonly width: number, readonly height: number, background = 255) {
    this.png = new PNG({ width, height });
    this.png.data.fill(background);
  }
  set(x: number, y: number, r: number, g: number, b: number): void {
    const i = (y * this.width + x) * 4;
    this.png.data[i] = r;
    this.png.data[i + 1] = g;
    this.png.data[i + 2] = b;
    this.png.data[i + 3] = 255;
  }
  encode(): Buffer {
    return PNG.sync.write(this.png);
  }
}

/**
 * Images [count, channels, h, w] (1 channel: gray; 3: RGB) as a grid, each scaled by `scale` and normalised to
 * its own min..max (filters) or to [0, 1] (digits).
 */
export function imageGrid(
  data: ArrayLike<number>,
  count: number,
  channels: number,
  h: number,
  w: number,
  options: { scale?: number; columns?: number; normalizeEach?: boolean } = {},
): Buffer {
  const { scale = 8, normalizeEach = true } = options;
  const columns = Math.min(count, options.columns ?? Math.ceil(Math.sqrt(count)));
  const rows = Math.ceil(count / columns);
  const gap = 2;
  const canvas = new Canvas(columns * (w * scale + gap) + gap, rows * (h * scale + gap) + gap, 64);
  const plane = h * w;
  const shown = channels === 3 ? 3 : 1;
  for (let n = 0; n < count; n++) {
    const base = n * channels * plane;
    let lo = 0;
    let hi = 1;
    if (normalizeEach) {
      lo = Infinity;
      hi = -Infinity;
      for (let i = 0; i < shown * plane; i++) {
        lo = Math.min(lo, data[base + i]);
        hi = Math.max(hi, data[base + i]);
      }
    }
    const range = hi - lo || 1;
    const ox = gap + (n % columns) * (w * scale + gap);
    const oy = gap + Math.floor(n / columns) * (h * scale + gap);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = (c: number) => Math.round(255 * Math.min(1, Math.max(0, (data[base + c * plane + y * w + x] - lo) / range)));
        const [r, g, b] = shown === 3 ? [v(0), v(1), v(2)] : [v(0), v(0), v(0)];
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) canvas.set(ox + x * scale + dx, oy + y * scale + dy, r, g, b);
      }
    }
  }
  return canvas.encode();
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export interface Series {
  name: string;
  values: number[];
  color: string;
}

/** A line chart over epochs as a standalone SVG. */
export function lineChart(title: string, series: Series[], yLabel: string): string {
  const W = 480;
  const H = 300;
  const L = 56;
  const R = 16;
  const T = 32;
  const B = 40;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const n = Math.max(1, ...series.map((s) => s.values.length));
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.05;
  lo = lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
  hi += pad;
  const x = (i: number) => L + (n === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (n - 1));
  const y = (v: number) => T + ((hi - v) * (H - T - B)) / (hi - lo);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${escape(title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#333"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#333"/>`,
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle">epoch</text>`,
    `<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">${escape(yLabel)}</text>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    parts.push(`<line x1="${L}" y1="${y(v)}" x2="${W - R}" y2="${y(v)}" stroke="#eee"/>`);
    parts.push(`<text x="${L - 4}" y="${y(v) + 4}" text-anchor="end">${v.toPrecision(3)}</text>`);
  }
  for (let i = 0; i < n; i++) parts.push(`<text x="${x(i)}" y="${H - B + 14}" text-anchor="middle">${i + 1}</text>`);
  series.forEach((s, k) => {
    const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    s.values.forEach((v, i) => parts.push(`<circle cx="${x(i)}" cy="${y(v)}" r="2.5" fill="${s.color}"/>`));
    // Legend in the title row, clear of the plotted lines.
    parts.push(`<rect x="${W - R - 120 + k * 60}" y="9" width="10" height="10" fill="${s.color}"/>`);
    parts.push(`<text x="${W - R - 106 + k * 60}" y="18">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** A confusion matrix (rows: true class, columns: predicted) as an SVG heat map with counts. */
export function confusionChart(matrix: number[][], classNames: readonly string[]): string {
  const k = matrix.length;
  const cell = 34;
  const L = 110;
  const T = 96;
  const W = L + k * cell + 16;
  const H = T + k * cell + 16;
  const rowTotals = matrix.map((r) => r.reduce((a, b) => a + b, 0) || 1);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L + (k * cell) / 2}" y="14" text-anchor="middle" font-size="13">predicted class</text>`,
    `<text x="12" y="${T + (k * cell) / 2}" text-anchor="middle" font-size="13" transform="rotate(-90 12 ${T + (k * cell) / 2})">true class</text>`,
  ];
  for (let i = 0; i < k; i++) {
    parts.push(`<text x="${L - 6}" y="${T + i * cell + cell / 2 + 4}" text-anchor="end">${escape(classNames[i])}</text>`);
    const cx = L + i * cell + cell / 2;
    parts.push(`<text x="${cx}" y="${T - 6}" text-anchor="start" transform="rotate(-60 ${cx} ${T - 6})">${escape(classNames[i])}</text>`);
    for (let j = 0; j < k; j++) {
      const frac = matrix[i][j] / rowTotals[i];
      const shade = Math.round(255 * (1 - frac));
      const fill = i === j ? `rgb(${shade},${Math.round(255 - frac * 120)},${shade})` : `rgb(255,${shade},${shade})`;
      parts.push(`<rect x="${L + j * cell}" y="${T + i * cell}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ddd"/>`);
      parts.push(
        `<text x="${L + j * cell + cell / 2}" y="${T + i * cell + cell / 2 + 4}" text-anchor="middle" fill="${frac > 0.6 ? 'white' : '#222'}">${matrix[i][j]}</text>`,
      );
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}
