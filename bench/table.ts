// Text and Markdown tables, number formats, and the marked sections of bench/RESULTS.md that several scripts write.

export function fmtRate(samplesPerSec: number): string {
  return samplesPerSec >= 100 ? Math.round(samplesPerSec).toLocaleString('en-US') : samplesPerSec.toFixed(1);
}

export function fmtRatio(r: number): string {
  return r >= 10 ? `${r.toFixed(0)}x` : r >= 0.1 ? `${r.toFixed(2)}x` : `${r.toFixed(3)}x`;
}

/** Columns padded to their widest cell; numeric columns right-aligned. */
export function textTable(header: readonly string[], body: readonly string[][], numeric: readonly boolean[]): string {
  checkShape(header, body, numeric);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (r: readonly string[]) => r.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function markdownTable(header: readonly string[], body: readonly string[][], numeric: readonly boolean[]): string {
  checkShape(header, body, numeric);
  const line = (r: readonly string[]) => `| ${r.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(numeric.map((n) => (n ? '---:' : '---'))), ...body.map(line)].join('\n');
}

function checkShape(header: readonly string[], body: readonly string[][], numeric: readonly boolean[]): void {
  if (numeric.length !== header.length) throw new Error(`table: ${header.length} columns but ${numeric.length} alignment flags`);
  const bad = body.findIndex((r) => r.length !== header.length);
  if (bad >= 0) throw new Error(`table: row ${bad} has ${body[bad].length} cells, expected ${header.length}`);
}

const start = (name: string) => `<!-- ${name}: start -->`;
const end = (name: string) => `<!-- ${name}: end -->`;

/** `content` between the section's markers, in place of what was there; appended at the end when `md` has none. */
export function replaceSection(md: string, name: string, content: string): string {
  const block = `${start(name)}\n${content.trimEnd()}\n${end(name)}`;
  const i = md.indexOf(start(name));
  const j = md.indexOf(end(name));
  if (i >= 0 && j > i) return md.slice(0, i) + block + md.slice(j + end(name).length);
  return `${md.trimEnd()}\n\n${block}\n`;
}

/** The content of a marked section, or null. */
export function readSection(md: string, name: string): string | null {
  const i = md.indexOf(start(name));
  const j = md.indexOf(end(name));
  return i >= 0 && j > i ? md.slice(i + start(name).length, j).trim() : null;
}
