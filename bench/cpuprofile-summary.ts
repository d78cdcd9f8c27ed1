// Summarises a V8 .cpuprofile (node --cpu-prof) by self time: the top functions as file:function and the top files.
// WebAssembly functions carry no names here (the modules have no name section): they are labelled with the
// nearest JavaScript function up the stack that called into them, e.g. `wasm[7] <- pool.ts:runGemm`.
// Run: node --import tsx bench/cpuprofile-summary.ts <file.cpuprofile> [--top 25]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Entry {
  name: string;
  ms: number;
  share: number;
}

/** Where a frame's code lives: a file's base name, 'wasm' for WebAssembly, V8's own names such as '(garbage collector)'. */
export function fileOf(frame: CallFrame): string {
  if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (frame.url.startsWith('wasm://')) return 'wasm';
  const path = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  const nm = path.lastIndexOf('node_modules/');
  // A dependency: its package name; node's own modules (node:internal/...) as they are.
  if (nm >= 0) return path.slice(nm + 'node_modules/'.length).split('/').slice(0, path.includes('/@', nm) ? 2 : 1).join('/');
  // torchlet's own files as package/path without src/ (core/kernels/wasm/gemm.ts), others by their base name.
  const pk = path.lastIndexOf('/packages/');
  if (pk >= 0) return path.slice(pk + '/packages/'.length).replace('/src/', '/');
  return path.startsWith('node:') ? path : basename(path);
}

function jsName(frame: CallFrame): string {
  const file = fileOf(frame);
  if (file.startsWith('(')) return file;
  return `${file}:${frame.functionName || `(anonymous:${frame.lineNumber + 1})`}`;
}

/** file:function; a wasm function as its index and its nearest JavaScript caller. */
export function functionOf(node: ProfileNode, parentOf: Map<number, ProfileNode>): string {
  const frame = node.callFrame;
  if (!frame.url.startsWith('wasm://')) return jsName(frame);
  let caller = parentOf.get(node.id);
  // Past the other wasm functions and V8's url-less glue between the two.
  while (caller && (caller.callFrame.url.startsWith('wasm://') || caller.callFrame.url === '')) caller = parentOf.get(caller.id);
  const index = /\[(\d+)\]/.exec(frame.functionName)?.[1] ?? frame.functionName;
  return `wasm[${index}] <- ${caller ? jsName(caller.callFrame) : '?'}`;
}

/** Self time per key (ms), largest first. Each sample's time is the delta to the next sample. */
export function selfTimes(profile: CpuProfile, key: (node: ProfileNode, parentOf: Map<number, ProfileNode>) => string): { entries: Entry[]; totalMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n);
  const totals = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (!node) continue;
    const k = key(node, parentOf);
    totals.set(k, (totals.get(k) ?? 0) + us);
    total += us;
  }
  const entries = [...totals].map(([name, us]) => ({ name, ms: us / 1000, share: total > 0 ? us / total : 0 })).sort((a, b) => b.ms - a.ms);
  return { entries, totalMs: total / 1000 };
}

export function formatEntries(entries: Entry[], top: number): string {
  return entries.slice(0, top).map((e) => `${(100 * e.share).toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(7)} ms  ${e.name}`).join('\n');
}

export function summarise(path: string, top: number): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byFunction = selfTimes(profile, functionOf);
  const byFile = selfTimes(profile, (node) => fileOf(node.callFrame));
  return [
    `${path}: ${(byFunction.totalMs / 1000).toFixed(1)} s sampled`,
    '',
    `self time by file:function (top ${top}):`,
    formatEntries(byFunction.entries, top),
    '',
    'self time by file:',
    formatEntries(byFile.entries, Math.min(top, 15)),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: node --import tsx bench/cpuprofile-summary.ts <file.cpuprofile> [--top N]');
    process.exit(1);
  }
  const i = process.argv.indexOf('--top');
  console.log(summarise(path, i > 0 ? Number(process.argv[i + 1]) : 25));
}
