import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, Tensor, assertClose, batchNorm, getBackend, setBackend } from '@torchlet/core';
// The kernels are not part of the public API, so they are imported from their source files.
import { batchNormForward, batchNormGradSums, batchNormInputGrad, channelStats, inverseStd } from '../src/kernels/batchnorm.js';
import { batchNormBackwardWasm, batchNormForwardWasm, batchNormStatsWasm } from '../src/kernels/wasm/batchnorm.js';
import { wasmAvailable } from '../src/kernels/wasm/gemm.js';

const gen = new Generator(31);

function randomF32(n: number, scale = 2, shift = 0): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = gen.normal() * scale + shift;
  return a;
}

const sameBits = (label: string, a: ArrayLike<number>, b: ArrayLike<number>): void => {
  assert.is(a.length, b.length, `${label}: length`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.unreachable(`${label} differs at ${i}: ${a[i]} vs ${b[i]}`);
};

const closeF64 = (label: string, a: Float64Array, b: Float64Array, scale: number): void => {
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= 1e-12 * (scale + Math.abs(b[i])))) assert.unreachable(`${label} at ${i}: ${a[i]} vs ${b[i]}`);
  }
};

// [N, C, S]: one sample, one channel, one position; every remainder of S modulo the vector width; resnetish's layer.
const shapes: [number, number, number][] = [[1, 1, 1], [3, 1, 5], [1, 3, 17], [2, 17, 3], [5, 3, 6], [3, 4, 7], [4, 16, 1024]];

if (wasmAvailable()) {
  test('batchNorm wasm kernels against the loops of kernels/batchnorm.ts: statistics within rounding, y and dx to the bit', () => {
    for (const [N, C, S] of shapes) {
      const label = `[${N}, ${C}, ${S}]`;
      const n = N * C * S;
      const x = randomF32(n, 3, 1);
      const dy = randomF32(n);
      const [mean, variance, meanW, varianceW] = [0, 0, 0, 0].map(() => new Float64Array(C));
      channelStats(x, N, C, S, mean, variance);
      assert.ok(batchNormStatsWasm(x, N, C, S, meanW, varianceW));
      closeF64(`${label} mean`, meanW, mean, 3);
      closeF64(`${label} variance`, varianceW, variance, 9);
      const invStd = new Float64Array(C);
      inverseStd(variance, 1e-5, invStd);
      for (const affine of [true, false]) {
        const weight = affine ? randomF32(C) : null;
        const bias = affine ? randomF32(C) : null;
        const y = new Float32Array(n);
        const yW = new Float32Array(n);
        batchNormForward(x, N, C, S, mean, invStd, weight, bias, y);
        assert.ok(batchNormForwardWasm(x, N, C, S, mean, invStd, weight, bias, yW));
        sameBits(`${label} affine ${affine}: forward`, yW, y);
        for (const batchStats of [true, false]) {
          const [sumDy, sumDyXhat, sumDyW, sumDyXhatW] = [0, 0, 0, 0].map(() => new Float64Array(C));
          batchNormGradSums(x, dy, N, C, S, mean, invStd, sumDy, sumDyXhat);
          const dxW = new Float32Array(n);
          assert.ok(batchNormBackwardWasm(x, dy, N, C, S, mean, invStd, weight, batchStats, sumDyW, sumDyXhatW, dxW));
          closeF64(`${label} Σdy`, sumDyW, sumDy, 2 * N * S);
          closeF64(`${label} Σdy·xhat`, sumDyXhatW, sumDyXhat, 6 * N * S);
          // Given the wasm sums, dx has the loop's bits.
          const dx = new Float32Array(n);
          batchNormInputGrad(x, dy, N, C, S, mean, invStd, weight, batchStats, sumDyW, sumDyXhatW, dx);
          sameBits(`${label} affine ${affine}, batch statistics ${batchStats}: input gradient`, dxW, dx);
          // Without dx asked for, only the sums are written.
          const [s1, s2] = [new Float64Array(C), new Float64Array(C)];
          assert.ok(batchNormBackwardWasm(x, dy, N, C, S, mean, invStd, weight, batchStats, s1, s2, null));
          sameBits(`${label}: sums without dx`, s1, sumDyW);
        }
      }
    }
  });

  test('batchNorm (op) on both backends above the wasm size: forward and gradients agree within float32 rounding', () => {
    const initial = getBackend();
    const run = () => {
      const g = new Generator(3);
      const make = (shape: number[], scale: number) => {
        const t = new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).map(() => g.normal() * scale), shape);
        t.requiresGrad = true;
        return t;
      };
      const x = make([8, 16, 9, 11], 2);
      const w = make([16], 1);
      const b = make([16], 1);
      const y = batchNorm(x, { weight: w, bias: b, training: true });
      const dy = new Tensor(new Float32Array(y.numel()).map(() => g.normal()), y.shape);
      y.mul(dy).sum().backward();
      return [y, x.grad!, w.grad!, b.grad!];
    };
    try {
      setBackend('js');
      const js = run();
      setBackend('wasm');
      const wasm = run();
      for (let i = 0; i < js.length; i++) assertClose(wasm[i], js[i], { atol: 1e-5, rtol: 1e-5 });
    } finally {
      setBackend(initial);
    }
  });
} else {
  test('batchNorm kernels: WebAssembly SIMD is not available here, nothing to test', () => {
    assert.is(wasmAvailable(), false);
  });
}

test.run();
