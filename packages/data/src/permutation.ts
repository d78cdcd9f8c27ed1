import { Generator, defaultGenerator } from '@torchlet/core';

/** A seed or generator for the random choices. */
export interface SeedOptions {
  /** Seeds this call's own Generator; without it the draws come from core's default generator (see manualSeed). */
  seed?: number | string;
}

export function resolveGenerator(seed: number | string | undefined): Generator {
  return seed === undefined ? defaultGenerator : new Generator(seed);
}

/** A seed taken from the default generator, so unseeded objects still repeat under manualSeed. */
export function drawSeed(): number {
  return defaultGenerator.integer(0, 2 ** 31);
}

/** The numbers 0..n-1 in random order (Fisher-Yates), like torch.randperm. */
export function permutation(n: number, generator: Generator): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = generator.integer(0, i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
