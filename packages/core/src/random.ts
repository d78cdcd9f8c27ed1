import seedrandom from 'seedrandom';

/**
 * A seeded source of random numbers. Every random number in torchlet comes from one of these,
 * so `manualSeed(s)` makes initialisation, dropout and shuffling bit-for-bit repeatable.
 */
export class Generator {
  private next: () => number;
  private spare: number | null = null;

  constructor(seed: number | string = 0) {
    this.next = seedrandom.alea(String(seed));
  }

  manualSeed(seed: number | string): this {
    this.next = seedrandom.alea(String(seed));
    this.spare = null;
    return this;
  }

  /** Uniform in [0, 1). */
  random(): number {
    return this.next();
  }

  /** Standard normal, by the Box-Muller transform (the second value is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer uniform in [low, high). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low));
  }
}

/** The default generator, like torch.default_generator: fixed default seed, so runs repeat unless seeded otherwise. */
export const defaultGenerator = new Generator(0);

/** Seeds the default generator, as torch.manual_seed: the same seed repeats the same run. */
export function manualSeed(seed: number | string): void {
  defaultGenerator.manualSeed(seed);
}
