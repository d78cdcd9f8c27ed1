import { UsageError } from './args.js';

export const SWEEP_USAGE = `Usage: pnpm lenet:seeds [N] [--first-seed S] [--out DIR] [pnpm lenet flags]

Runs pnpm lenet once for each seed S .. S+N-1 (default N 10, S 0), prints each seed's final accuracy and the
min/median/max, and writes DIR/sweep.html (default runs/seeds-<timestamp>) with every seed's accuracy curve.
Any other flag goes to every run (e.g. --validation 1000 to tune without the test set); --seed is not allowed.
`;

export interface SweepArgs {
  seeds: number[];
  out: string;
  /** Flags passed on to every `pnpm lenet` run. */
  lenetArgs: string[];
}

/** Parses the sweep's own arguments; returns null for --help. */
export function parseSweepArgs(argv: string[], now = new Date()): SweepArgs | null {
  let count = 10;
  let first = 0;
  let out: string | null = null;
  const lenetArgs: string[] = [];
  const value = (i: number, flag: string) => {
    const v = argv[i];
    if (v === undefined) throw new UsageError(`${flag} expects a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const take = () => inline ?? value(++i, flag);
    if (flag === '--help') return null;
    else if (flag === '--first-seed') {
      const v = take();
      if (!/^-?\d+$/.test(v)) throw new UsageError(`--first-seed expects an integer, got '${v}'`);
      first = Number(v);
    } else if (flag === '--out') out = take();
    else if (flag === '--seed' || flag === '--resume') throw new UsageError(`${flag} cannot be given to a sweep (it picks the seeds and run folders itself)`);
    else if (i === 0 && /^\d+$/.test(flag)) {
      count = Number(flag);
      if (count < 1) throw new UsageError(`N expects a positive integer, got '${flag}'`);
    } else if (!flag.startsWith('--')) throw new UsageError(`unexpected argument '${flag}' (N comes first)`);
    else {
      // A flag for pnpm lenet, with its value unless written --flag=value (each of its flags takes one).
      lenetArgs.push(argv[i]);
      if (inline === undefined) lenetArgs.push(value(++i, flag));
    }
  }
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  return { seeds: Array.from({ length: count }, (_, k) => first + k), out: out ?? `runs/seeds-${stamp}`, lenetArgs };
}

/** The middle value (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(values: readonly number[]): { min: number; median: number; max: number } {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}
