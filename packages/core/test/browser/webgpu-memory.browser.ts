// Device memory with no ceremony (issue 17) in headless Chromium's SwiftShader adapter, whose pages get `gc()` from
// --js-flags=--expose-gc (scripts/browser/chromium.ts): the garbage collector returns the buffers of collected
// tensors, backward releases the gradients it made and consumed (never one the user can still reach), tidy()
// releases at a known point, and 100 training steps written the PyTorch way hold device memory flat.
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { type WebGPUMemory, initWebGPU, memory, tidy } from '@torchlet/core/webgpu';
// nn and optim are not dependencies of core: their sources, which import the same @torchlet/core as this page
import { Conv2d, Flatten, Linear, MaxPool2d, type Module, ReLU, Sequential } from '../../../nn/src/index.js';
import { SGD } from '../../../optim/src/index.js';
import { run, test } from '../../../../scripts/browser/harness.js';

type Tensor = core.Tensor;

/** A full collection, then the turns of the event loop in which V8 runs the FinalizationRegistry's callbacks. */
async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('gc() is missing: the page needs Chromium with --js-flags=--expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

async function values(t: Tensor): Promise<number[]> {
  return [...(await t.read())];
}

function near(actual: readonly number[], expected: readonly number[], what: string): void {
  core.assertClose(Float32Array.from(actual), Float32Array.from(expected), { atol: 1e-5, rtol: 1e-5 });
  assert.is(actual.length, expected.length, what);
}

const gpu = (t: Tensor): Tensor => t.to('webgpu');
const leaf = (t: Tensor): Tensor => {
  t.requiresGrad = true;
  return t;
};

test('memory() before initWebGPU says what to call; afterwards it reports buffers and bytes in use and pooled', async () => {
  assert.throws(() => memory(), /memory: the 'webgpu' device is not initialized: call `await initWebGPU\(\)` first/);
  await initWebGPU();
  const m = memory();
  assert.equal(Object.keys(m).sort(), ['buffers', 'bytes', 'collected', 'inUse', 'inUseBytes', 'pooled', 'pooledBytes']);
  assert.is(m.inUse + m.pooled, m.buffers);
  assert.is(m.inUseBytes + m.pooledBytes, m.bytes);
  const before = memory();
  const x = gpu(core.zeros([100])); // 400 bytes: the 512-byte size class
  assert.is(memory().inUseBytes, before.inUseBytes + 512);
  x.dispose();
  assert.is(memory().inUseBytes, before.inUseBytes);
  assert.throws(() => memory(1 as never), /memory: takes at most 0 arguments, got 1/);
});

test('the garbage collector returns the buffer of a collected tensor; a view keeps its storage alive', async () => {
  await initWebGPU();
  await collectGarbage();
  const before = memory();
  (() => {
    for (let i = 0; i < 20; i++) gpu(core.ones([64]));
  })();
  assert.is(memory().inUse, before.inUse + 20, 'twenty unreachable tensors still hold their buffers before a collection');
  // the owner becomes unreachable, its view stays: the buffer must stay too
  const view = (() => gpu(core.arange(12)).reshape([3, 4]))();
  await collectGarbage();
  const after = memory();
  assert.is(after.inUse, before.inUse + 1, 'the twenty buffers came back; the view\'s did not');
  assert.ok(after.collected >= before.collected + 20, `collected ${after.collected - before.collected}`);
  // buffers reused by new tensors do not touch the view's values
  const fresh = [1, 2, 3].map((k) => gpu(core.full([64], k)));
  assert.equal(await values(view), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.equal((await values(fresh[2])).slice(0, 2), [3, 3]);
});

test('backward releases the gradients it made and consumed: only the leaf\'s .grad stays', async () => {
  await initWebGPU();
  core.manualSeed(1);
  const host = core.randn([5, 6]);
  const x = leaf(gpu(host));
  const y = x.exp().tanh().sigmoid().relu().sum();
  await collectGarbage();
  const before = memory().inUse;
  y.backward();
  const grew = memory().inUse - before;
  assert.is(grew, 1, `after backward ${grew} more buffers are in use; only x.grad should be`);
  const cpuX = leaf(host.clone());
  cpuX.exp().tanh().sigmoid().relu().sum().backward();
  near(await values(x.grad!), [...cpuX.grad!.data], 'x.grad');
});

test('must not release: a leaf used twice (the sum of addends), the gradient passed to backward, a retained .grad', async () => {
  await initWebGPU();
  core.manualSeed(2);
  const [hx, hw, hg] = [core.randn([3, 4]), core.randn([4, 2]), core.randn([3, 2])];
  const run = (x: Tensor, w: Tensor, g: Tensor): Tensor => {
    const h = x.matmul(w);
    h.retainGrad();
    const out = h.mul(h).add(h).mul(x.sum());
    out.backward(g);
    return h;
  };
  const cpu = [leaf(hx.clone()), leaf(hw.clone())];
  const cpuH = run(cpu[0], cpu[1], hg);
  const dev = [leaf(gpu(hx)), leaf(gpu(hw))];
  const g = gpu(hg);
  const devH = run(dev[0], dev[1], g);
  await collectGarbage(); // whatever the walk left is collected too: still nothing the user holds may go
  near(await values(dev[0].grad!), [...cpu[0].grad!.data], 'x.grad (x used twice)');
  near(await values(dev[1].grad!), [...cpu[1].grad!.data], 'w.grad');
  near(await values(devH.grad!), [...cpuH.grad!.data], 'h.grad (retainGrad)');
  near(await values(devH), [...cpuH.data], 'h itself');
  near(await values(g), [...hg.data], 'the gradient passed to backward');
});

test('must not release: a gradient that is the user\'s tensor (a rule returning a saved value), grad() results', async () => {
  await initWebGPU();
  // a custom op whose backward hands back a tensor saved in forward: the user's, never the walk's to release
  const passSaved = core.defineOp({
    name: 'timesSaved',
    signatures: ['Tensor, Tensor'],
    forward(ctx: core.OpContext, x: Tensor, scale: Tensor) {
      ctx.save(scale);
      return x.mul(scale);
    },
    backward: (ctx) => [ctx.saved[0], null],
  });
  const scale = gpu(core.tensor([2, 3, 4]));
  const x = leaf(gpu(core.tensor([1, 1, 1])));
  passSaved(x, scale).sum().backward();
  await collectGarbage();
  assert.equal(await values(scale), [2, 3, 4], 'the saved tensor the rule returned');
  assert.equal(await values(x.grad!), [2, 3, 4]);
  const a = leaf(gpu(core.tensor([1, 2, 3])));
  const [ga] = core.grad(a.mul(a).sum(), a);
  await collectGarbage();
  assert.equal(await values(ga!), [2, 4, 6], 'grad() returns a gradient the walk made');
});

test('must not release under retainGraph or createGraph: a second backward and a second-order gradient agree with the CPU', async () => {
  await initWebGPU();
  const x = leaf(gpu(core.tensor([0.5, -1, 2])));
  const y = x.mul(x).mul(x).sum();
  y.backward(undefined, { retainGraph: true });
  y.backward();
  assert.equal(await values(x.grad!), [1.5, 6, 24], '2 * 3x^2');
  const z = leaf(gpu(core.tensor([0.5, -1, 2])));
  const [dz] = core.grad(z.mul(z).mul(z).sum(), z, { createGraph: true });
  const [d2z] = core.grad(dz!.sum(), z);
  await collectGarbage();
  assert.equal(await values(dz!), [0.75, 3, 12], '3z^2');
  assert.equal(await values(d2z!), [3, -6, 12], '6z');
});

test('tidy releases what kernels made inside, except what it returns and the .grads backward set', async () => {
  await initWebGPU();
  core.manualSeed(4);
  const host = core.randn([4, 3]);
  const x = leaf(gpu(host));
  await collectGarbage();
  const before = memory().inUse;
  const out = tidy(() => {
    const h = x.exp().mul(2).relu();
    const loss = h.sum();
    loss.backward();
    return { loss, kept: [h] };
  });
  assert.is(memory().inUse - before, 3, `the loss, h and x.grad remain (${memory().inUse - before} buffers)`);
  const cpuX = leaf(host.clone());
  const cpuLoss = cpuX.exp().mul(2).relu().sum();
  cpuLoss.backward();
  near(await values(out.loss), [cpuLoss.item()], 'the returned loss');
  near(await values(out.kept[0]), [...cpuX.exp().mul(2).data], 'a tensor returned inside an array inside an object');
  near(await values(x.grad!), [...cpuX.grad!.data], 'x.grad set inside tidy');
  const z = leaf(gpu(core.tensor([1, 2, 3])));
  tidy(() => z.mul(z).sum().backward(undefined, { createGraph: true }));
  assert.equal(await values(z.grad!), [2, 4, 6], 'a .grad made under createGraph inside tidy (an op output) is kept too');
  // nested: what the inner scope returns belongs to the outer one, which releases it
  const outer = tidy(() => {
    const inner = tidy(() => x.mul(3).add(1));
    assert.ok(!inner._deviceStorage!.isReleased, 'returned from the inner scope');
    return [inner, inner.mul(2)];
  });
  near(await values(outer[0]), [...host.mul(3).add(1).data], 'what the inner scope returned, returned again');
  near(await values(outer[1]), [...host.mul(3).add(1).mul(2).data], 'what the outer scope returned');
  let leaked: Tensor | null = null;
  tidy(() => {
    leaked = x.mul(5);
  });
  try {
    await leaked!.read();
    assert.unreachable('a tensor made inside tidy and not returned is released');
  } catch (err) {
    assert.match((err as Error).message, /this device tensor was released/);
  }
  assert.throws(() => tidy((async () => x.mul(2)) as never), /tidy: fn returned a Promise/);
  assert.throws(() => tidy(null as never), /tidy: expected a function, got null/);
  assert.throws(() => (tidy as (...a: unknown[]) => unknown)(() => 1, { keep: [] }), /tidy: takes at most 1 arguments, got 2/);
  const thrown = memory().inUse;
  assert.throws(() => tidy(() => {
    x.mul(7);
    throw new Error('inside');
  }), /inside/);
  assert.is(memory().inUse, thrown, 'a scope that throws releases what it made');
});

test('tidy around each training step: memory stays flat without a collection, SGD momentum state survives, losses follow the CPU', async () => {
  await initWebGPU();
  core.manualSeed(7);
  const x = core.randn([16, 8]);
  const y = core.randint(0, 4, [16]);
  const [xd, yd] = [gpu(x), gpu(y)];
  const model = mlp().to('webgpu');
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const cpuModel = mlp();
  const cpuOptimizer = new SGD(cpuModel.parameters(), { lr: 0.05, momentum: 0.9 });
  await collectGarbage(); // what earlier tests left, so that no collection changes the figures below
  const inUse: number[] = [];
  for (let s = 0; s < 8; s++) {
    const loss = tidy(() => {
      // in place: zeroGrad()'s default (setToNone, as PyTorch) leaves the old .grads to the collector, tidy keeping them
      optimizer.zeroGrad({ setToNone: false });
      const l = core.crossEntropy(model.forward(xd) as Tensor, yd);
      l.backward();
      optimizer.step();
      return l;
    });
    const cpu = await step(cpuModel, cpuOptimizer, x, y);
    const value = await loss.itemAsync();
    assert.ok(Math.abs(value - cpu.loss) <= 1e-4 * Math.abs(cpu.loss), `step ${s}: ${value} on webgpu, ${cpu.loss} on the CPU`);
    loss.dispose();
    inUse.push(memory().inUse);
  }
  console.log(`report: webgpu-memory tidy around each of 8 steps: buffers in use after each ${inUse.join(', ')}`);
  // after every step: the 4 parameters, their 4 .grads and 4 momentum buffers (made in step 1), x and y; nothing else
  assert.ok(inUse.every((n) => n === 14), `14 buffers in use after every step: ${inUse.join(', ')}`);
});

function mlp(): Module {
  core.manualSeed(5);
  return new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 4));
}

/** One training step the PyTorch way: no dispose, no tidy; the loss read back as the user would. */
async function step(model: Module, optimizer: SGD, x: Tensor, y: Tensor): Promise<{ loss: number; lossTensor: Tensor }> {
  optimizer.zeroGrad();
  const out = model.forward(x) as Tensor;
  const lossTensor = core.crossEntropy(out, y);
  lossTensor.backward();
  optimizer.step();
  return { loss: await lossTensor.itemAsync(), lossTensor };
}

test('100 SGD steps of an MLP written the PyTorch way hold device memory flat (a collection every 10 steps)', async () => {
  await initWebGPU();
  core.manualSeed(6);
  const batches = Array.from({ length: 5 }, () => ({ x: core.randn([16, 8]), y: core.randint(0, 4, [16]) }));
  const model = mlp().to('webgpu');
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const cpuModel = mlp();
  const cpuOptimizer = new SGD(cpuModel.parameters(), { lr: 0.05, momentum: 0.9 });
  const figures: { step: number; m: WebGPUMemory }[] = [];
  // tensors kept from the first steps to the end: their buffers must never be handed to another tensor meanwhile
  // (kept before step 10, so that they are in use at step 10 and at step 100 alike)
  const kept: { step: number; loss: number; tensor: Tensor }[] = [];
  let worst = 0;
  for (let s = 1; s <= 100; s++) {
    const batch = batches[s % batches.length];
    const { loss, lossTensor } = await step(model, optimizer, batch.x.to('webgpu'), batch.y.to('webgpu'));
    const cpu = await step(cpuModel, cpuOptimizer, batch.x, batch.y);
    worst = Math.max(worst, Math.abs(loss - cpu.loss) / Math.abs(cpu.loss));
    if (s < 10) kept.push({ step: s, loss, tensor: lossTensor });
    if (s % 10 === 0) {
      await collectGarbage();
      figures.push({ step: s, m: memory() });
    }
  }
  const at10 = figures[0].m;
  const at100 = figures[figures.length - 1].m;
  console.log(`report: webgpu-memory MLP 8-16-4, batch 16, SGD momentum, 100 steps without dispose or tidy, gc every 10 steps: ` +
    figures.map(({ step: s, m }) => `step ${s}: ${m.inUse} buffers / ${m.inUseBytes} bytes in use, ${m.pooled} / ${m.pooledBytes} pooled`).join('; ') +
    `; ${at100.collected} buffers returned by the collector in all; largest relative loss difference to the CPU ${worst.toExponential(1)}`);
  assert.is(at100.inUseBytes, at10.inUseBytes, 'bytes in use after step 100 equal those after step 10');
  assert.is(at100.inUse, at10.inUse, 'buffers in use after step 100 equal those after step 10');
  // the pool grows while it learns the most garbage that waits for a collection (up to 10 steps' worth), then stops
  const late = figures.filter(({ step: s }) => s >= 60).map(({ m }) => m.bytes);
  assert.ok(late.every((b) => b === at100.bytes), `no buffer allocated from step 60 on: the pool serves every request (${late.join(', ')})`);
  assert.ok(worst <= 1e-4, `the losses follow the CPU (worst ${worst})`);
  for (const { step: s, loss, tensor } of kept) assert.is(await tensor.itemAsync(), loss, `the loss of step ${s}, kept to the end`);
});

test('30 SGD steps of LeNet-5 at batch 4 (conv, max pool: multi-output nodes) hold device memory flat too', async () => {
  await initWebGPU();
  core.manualSeed(8);
  const model = new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10),
  ).to('webgpu');
  const optimizer = new SGD(model.parameters(), { lr: 0.05 });
  const batches = Array.from({ length: 3 }, () => ({ x: core.randn([4, 1, 28, 28]), y: core.randint(0, 10, [4]) }));
  const figures: { step: number; m: WebGPUMemory }[] = [];
  const losses: number[] = [];
  for (let s = 1; s <= 30; s++) {
    const batch = batches[s % batches.length];
    losses.push((await step(model, optimizer, batch.x.to('webgpu'), batch.y.to('webgpu'))).loss);
    if (s % 10 === 0) {
      await collectGarbage();
      figures.push({ step: s, m: memory() });
    }
  }
  console.log(`report: webgpu-memory LeNet-5 batch 4, 30 SGD steps, gc every 10: ` +
    figures.map(({ step: s, m }) => `step ${s}: ${m.inUse} buffers / ${m.inUseBytes} bytes in use, ${m.pooledBytes} bytes pooled`).join('; ') +
    `; losses ${losses[0].toFixed(4)} -> ${losses[29].toFixed(4)}`);
  for (const { step: s, m } of figures.slice(1)) {
    assert.is(m.inUseBytes, figures[0].m.inUseBytes, `bytes in use after step ${s} equal those after step 10`);
  }
  assert.ok(losses.every(Number.isFinite));
});

run();
