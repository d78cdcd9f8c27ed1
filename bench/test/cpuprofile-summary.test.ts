// bench/cpuprofile-summary.ts on a hand-made profile: self time per function and file, wasm frames named by
// their JavaScript caller.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileOf, selfTimes, functionOf, type CpuProfile } from '../cpuprofile-summary.js';

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 5] },
    { id: 2, callFrame: frame('runGemm', 'file:///w/packages/core/src/kernels/wasm/pool.ts'), children: [3] },
    { id: 3, callFrame: frame('', ''), children: [4] },
    { id: 4, callFrame: frame('wasm-function[7]', 'wasm://wasm/40894522') },
    { id: 5, callFrame: frame('(garbage collector)', '') },
  ],
  // timeDeltas[i] is the time from sample i - 1 to sample i: sample i lasts timeDeltas[i + 1], the last one 0.
  samples: [4, 4, 2, 5],
  timeDeltas: [0, 3000, 3000, 1000],
};

test('self time goes to the sampled frame; a wasm frame is named by its nearest JavaScript caller', () => {
  const { entries, totalMs } = selfTimes(profile, functionOf);
  assert.is(totalMs, 7);
  assert.equal(entries.map((e) => [e.name, e.ms]), [
    ['wasm[7] <- core/kernels/wasm/pool.ts:runGemm', 6],
    ['core/kernels/wasm/pool.ts:runGemm', 1],
    ['(garbage collector)', 0],
  ]);
  assert.is(entries[0].share, 6 / 7);
});

test('fileOf: torchlet paths without src/, dependencies by package, V8 names as they are', () => {
  assert.is(fileOf(frame('f', 'file:///w/packages/nn/src/layers/conv.ts')), 'nn/layers/conv.ts');
  assert.is(fileOf(frame('f', 'file:///w/node_modules/.pnpm/tsx@4/node_modules/tsx/dist/x.mjs')), 'tsx');
  assert.is(fileOf(frame('f', 'file:///w/node_modules/@tensorflow/tfjs-core/dist/a.js')), '@tensorflow/tfjs-core');
  assert.is(fileOf(frame('(program)', '')), '(program)');
  assert.is(fileOf(frame('w', 'wasm://wasm/1f78b87a')), 'wasm');
  assert.is(fileOf(frame('f', 'node:internal/modules/esm/hooks')), 'node:internal/modules/esm/hooks');
});

test.run();
