// The PINN's solution u(x) beside the exact sin(πx), as a standalone SVG (axes at round values, as line-chart.ts).
import { niceTicks } from '../lenet/line-chart.js';

/** One curve of the plot, y over the shared xs. */
export interface Curve {
  name: string;
  ys: number[];
  color: string;
  dashed?: boolean;
}

/** An SVG line plot of curves over xs. */
export function curvePlot(title: string, xs: number[], curves: Curve[]): string {
  const W = 480;
  const H = 300;
  const L = 56;
  const R = 16;
  const T = 32;
  const B = 40;
  const all = curves.flatMap((c) => c.ys);
  const xt = niceTicks(Math.min(...xs), Math.max(...xs));
  const yt = niceTicks(Math.min(...all), Math.max(...all));
  const px = (v: number) => L + ((v - xt.lo) * (W - L - R)) / (xt.hi - xt.lo);
  const py = (v: number) => T + ((yt.hi - v) * (H - T - B)) / (yt.hi - yt.lo);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="18" font-size="13">${title}</text>`,
  ];
  for (const v of yt.values) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${py(v).toFixed(1)}" y2="${py(v).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${L - 6}" y="${(py(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(yt.decimals)}</text>`);
  }
  for (const v of xt.values) {
    parts.push(`<text x="${px(v).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${v.toFixed(xt.decimals)}</text>`);
  }
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">x</text>`);
  curves.forEach((c, k) => {
    const points = xs.map((x, i) => `${px(x).toFixed(1)},${py(c.ys[i]).toFixed(1)}`).join(' ');
    const dash = c.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<polyline points="${points}" fill="none" stroke="${c.color}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${W - R - 120}" y="${T + 14 + 16 * k}" fill="${c.color}">${c.name}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
