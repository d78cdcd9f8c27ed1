// A line chart on a canvas: a few series over the same x axis (training steps), no library.

export interface Series {
  points: { x: number; y: number }[];
  color: string;
  width?: number;
}

export function drawChart(canvas: HTMLCanvasElement, series: Series[], options: { yMin?: number; yMax?: number; label: (y: number) => string }): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('drawChart: the canvas has no 2d context');
  const { width, height } = canvas;
  const pad = { left: 44, right: 8, top: 8, bottom: 18 };
  ctx.clearRect(0, 0, width, height);
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(10, ...all.map((p) => p.x));
  const yMin = options.yMin ?? Math.min(0, ...all.map((p) => p.y));
  const yMax = options.yMax ?? Math.max(1e-6, ...all.map((p) => p.y));
  const px = (x: number) => pad.left + (x / xMax) * (width - pad.left - pad.right);
  const py = (y: number) => height - pad.bottom - ((y - yMin) / (yMax - yMin || 1)) * (height - pad.top - pad.bottom);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#5b6473';
  ctx.strokeStyle = '#e3e6ec';
  ctx.lineWidth = 1;
  for (let k = 0; k <= 4; k++) {
    const y = yMin + ((yMax - yMin) * k) / 4;
    ctx.beginPath();
    ctx.moveTo(pad.left, py(y));
    ctx.lineTo(width - pad.right, py(y));
    ctx.stroke();
    ctx.fillText(options.label(y), 2, py(y) + 4);
  }
  ctx.fillText('0', pad.left, height - 4);
  ctx.fillText(`${xMax} steps`, width - pad.right - 60, height - 4);
  for (const s of series) {
    if (s.points.length === 0) continue;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width ?? 2;
    ctx.beginPath();
    s.points.forEach((p, i) => (i === 0 ? ctx.moveTo(px(p.x), py(p.y)) : ctx.lineTo(px(p.x), py(p.y))));
    ctx.stroke();
  }
}

/** An exponential moving average of `values`, as (step, value) points. */
export function smoothed(values: number[], weight = 0.9): { x: number; y: number }[] {
  let average = values[0] ?? 0;
  return values.map((v, i) => {
    average = i === 0 ? v : weight * average + (1 - weight) * v;
    return { x: i + 1, y: average };
  });
}
