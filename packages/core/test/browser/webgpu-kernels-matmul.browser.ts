// Both WebGPU matrix-product kernels (issue 17, phase 3): the tiled one (workgroup memory, for real GPUs) and the
// direct one (a thread per output, which a software adapter such as SwiftShader runs faster), each pinned in turn and
// compared with the CPU backend's matmul2d and batchedMatmul on odd, seeded shapes.
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { webgpuKernels as gpu } from '@torchlet/core/webgpu';
import { run } from '../../../../scripts/browser/harness.js';
import { agree, gpuContext, kernelTest, on, randn } from './webgpu-kernels-compare.js';

const cpu = core.kernels;
const tol = { atol: 1e-5, rtol: 1e-5 };

for (const variant of ['tiled', 'direct'] as const) {
  kernelTest('webgpu-kernels-matmul', `${variant}: matmul2d (all transposes, bias) and batchedMatmul (broadcast batch) agree with the CPU`, async () => {
    gpu.matmulKernel.variant = variant;
    try {
      core.manualSeed(61);
      for (const [M, N, K] of [[7, 13, 19], [1, 17, 3], [17, 1, 33]]) {
        for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
          const a = randn(transA ? [K, M] : [M, K]);
          const b = randn(transB ? [N, K] : [K, N]);
          const bias = randn([N]);
          await agree(`matmul2d ${M}x${N}x${K} (${transA}, ${transB})`, gpu.matmul2d(transA, transB, M, N, K, on(a), on(b), null, [M, N]), cpu.matmul2d(transA, transB, M, N, K, a, b, null, [M, N]), tol);
          await agree(`matmul2d+bias ${M}x${N}x${K}`, gpu.matmul2d(transA, transB, M, N, K, on(a), on(b), on(bias), [M, N]), cpu.matmul2d(transA, transB, M, N, K, a, b, bias, [M, N]), tol);
        }
      }
      const a = randn([2, 1, 5, 3]);
      const b = randn([3, 3, 4]);
      await agree('batchedMatmul', gpu.batchedMatmul(on(a), [2, 1], false, on(b), [3], false, 5, 3, 4, 'float32'), cpu.batchedMatmul(a, [2, 1], false, b, [3], false, 5, 3, 4, 'float32'), tol);
      const at = randn([3, 3, 5]);
      await agree('batchedMatmul transA', gpu.batchedMatmul(on(at), [3], true, on(b), [3], false, 5, 3, 4, 'float32'), cpu.batchedMatmul(at, [3], true, b, [3], false, 5, 3, 4, 'float32'), tol);
    } finally {
      gpu.matmulKernel.variant = 'auto';
    }
  });
}

kernelTest('webgpu-kernels-matmul', "'auto' picks the direct kernel on SwiftShader (a fallback adapter), the tiled one elsewhere", async () => {
  const context = await gpuContext();
  const info = context.adapter.info;
  assert.ok(info?.architecture === 'swiftshader' || info?.isFallbackAdapter === true, 'the CI adapter is SwiftShader');
  // a batch of rank 3, which neither pinned test ran: the tiled pipeline exists already, the direct one of rank 3 not
  const before = context.pipelineCount;
  core.manualSeed(62);
  const a = randn([2, 1, 3, 3, 37]);
  const b = randn([37, 2]);
  await agree('batchedMatmul auto', gpu.batchedMatmul(on(a), [2, 1, 3], false, on(b), [], false, 3, 37, 2, 'float32'), cpu.batchedMatmul(a, [2, 1, 3], false, b, [], false, 3, 37, 2, 'float32'), tol);
  assert.is(context.pipelineCount - before, 1, 'a new (direct) pipeline was compiled');
});

await run();
