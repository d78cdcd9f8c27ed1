import { parseArgs } from 'node:util';

export type ModelName = 'bigram' | 'gru' | 'lstm' | 'transformer';
export const MODELS: readonly ModelName[] = ['bigram', 'gru', 'lstm', 'transformer'];

export interface Config {
  model: ModelName;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  temperature: number;
  samples: number;
  /** Use only the first N training names (and N/4 validation names); for quick checks. */
  limit: number | null;
  out: string;
  outGiven: boolean;
  resume: string | null;
}

/** Default learning rate per model (Adam): the bigram table is one big lookup and takes a larger step. */
const DEFAULT_LR: Record<ModelName, number> = { bigram: 0.05, gru: 0.005, lstm: 0.005, transformer: 0.003 };
const DEFAULT_EPOCHS: Record<ModelName, number> = { bigram: 3, gru: 6, lstm: 6, transformer: 6 };

export const USAGE = `Usage: pnpm charlm [options]

Trains a character-level language model on 8,422 English first names (npm's @stdlib first-name lists, 90% train,
10% validation), prints train and validation loss in nats per character, then samples new names.

Options:
  --model bigram|gru|lstm|transformer
                          bigram: a 28x28 table of next-character logits (the baseline);
                          gru, lstm: Embedding 32 -> 1 recurrent layer of 128 -> Linear;
                          transformer: Embedding 64 + learned positions -> 2 causal TransformerEncoderLayers
                          (4 heads, feed-forward 256, pre-norm) -> LayerNorm -> Linear (default gru)
  --epochs N              default 3 for bigram, 6 otherwise
  --batch-size N          default 64
  --lr X                  Adam's learning rate (default 0.05 bigram, 0.005 gru/lstm, 0.003 transformer)
  --seed N                default 0
  --temperature X         sampling temperature (default 1; lower is more conservative)
  --samples N             names to sample at the end (default 20)
  --limit N               use only the first N training names (and N/4 validation names)
  --out DIR               run folder, default runs/charlm-<model>-<timestamp>
  --resume CHECKPOINT     continue a run from its checkpoint.safetensors (same model, data and settings;
                          --epochs may extend it; --temperature and --samples sample afresh)
  -h, --help              this text`;

export class UsageError extends Error {}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} expects a positive integer, got '${value}'`);
  return n;
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} expects a positive number, got '${value}'`);
  return n;
}

function timestamp(now: Date): string {
  return now.toISOString().slice(0, 19).replace('T', '_').replace(/:/g, '-');
}

/** The run's settings from the command line, or null for --help. Throws UsageError on bad flags. */
export function parseConfig(argv: string[], now = new Date()): Config | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' }, epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
        seed: { type: 'string' }, temperature: { type: 'string' }, samples: { type: 'string' }, limit: { type: 'string' },
        out: { type: 'string' }, resume: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return null;
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const model = (str('model') ?? 'gru') as ModelName;
  if (!MODELS.includes(model)) throw new UsageError(`--model expects one of ${MODELS.join(', ')}, got '${model}'`);
  const seedText = str('seed') ?? '0';
  const seed = Number(seedText);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed expects an integer, got '${seedText}'`);
  const out = str('out');
  return {
    model,
    epochs: str('epochs') === undefined ? DEFAULT_EPOCHS[model] : positiveInt('--epochs', str('epochs')!),
    batchSize: str('batch-size') === undefined ? 64 : positiveInt('--batch-size', str('batch-size')!),
    lr: str('lr') === undefined ? DEFAULT_LR[model] : positiveNumber('--lr', str('lr')!),
    seed,
    temperature: str('temperature') === undefined ? 1 : positiveNumber('--temperature', str('temperature')!),
    samples: str('samples') === undefined ? 20 : positiveInt('--samples', str('samples')!),
    limit: str('limit') === undefined ? null : positiveInt('--limit', str('limit')!),
    out: out ?? `runs/charlm-${model}-${timestamp(now)}`,
    outGiven: out !== undefined,
    resume: str('resume') ?? null,
  };
}
