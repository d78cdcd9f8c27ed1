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
