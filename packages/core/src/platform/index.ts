import type { Platform } from './types.js';
import { browserPlatform } from './browser.js';
import { nodePlatform } from './node.js';

export type { Platform, PoolThread, ThreadEvents } from './types.js';

/** Node (worker_threads) where process.versions.node is set, else the browser's Web Workers. */
export const platform: Platform =
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string' ? nodePlatform : browserPlatform;
