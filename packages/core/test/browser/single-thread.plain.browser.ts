// On a page that is not cross-origin isolated: one thread, a warning naming the headers to set, and training works.
import * as assert from 'uvu/assert';
import { run, test } from '../../../../scripts/browser/harness.js';

const warnings: string[] = [];
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  warnings.push(args.map(String).join(' '));
  warn(...args);
};
const core = await import('@torchlet/core');
const nn = await import('@torchlet/nn');
const optim = await import('@torchlet/optim');

test('without COOP/COEP the pool runs one thread and the warning names both headers', () => {
  assert.is(crossOriginIsolated, false);
  assert.is(core.getNumThreads(), 1);
  assert.is(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /not cross-origin isolated/);
  assert.match(warnings[0], /Cross-Origin-Opener-Policy: same-origin/);
  assert.match(warnings[0], /Cross-Origin-Embedder-Policy: require-corp/);
  core.setNumThreads(3);
  assert.is(core.getNumThreads(), 1);
});

test('a small model trains on one thread with the wasm kernels', () => {
  assert.is(core.getBackend(), 'wasm');
  core.manualSeed(1);
  const x = core.randn([64, 4]);
  const y = x.matmul(core.tensor([[1], [-1], [2], [0.5]]));
  const model = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 1));
  const opt = new optim.SGD(model.parameters(), { lr: 0.05 });
  const loss = () => new nn.MSELoss().forward(model.forward(x), y);
  const first = loss().item();
  for (let i = 0; i < 50; i++) {
    const l = loss();
    opt.zeroGrad();
    l.backward();
    opt.step();
  }
  assert.ok(loss().item() < first / 4, `loss ${first} -> ${loss().item()}`);
});

await run();
