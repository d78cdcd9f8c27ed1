import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tensor, add_, mul_, mul, sum } from '@torchlet/core';
import { Optimizer, SGD, type Hyperparameters, type ParamGroup, type Params } from '@torchlet/optim';

// The README's example of an optimizer of one's own: heavy-ball momentum, b = momentum·b + g; p -= lr·b.
interface HeavyBallHyperparameters extends Hyperparameters {
  momentum: number;
}

class HeavyBall extends Optimizer<HeavyBallHyperparameters> {
  protected readonly stateFields = { velocity: 'buffer' } as const;

  constructor(params: Params<HeavyBallHyperparameters>, options: Partial<HeavyBallHyperparameters> = {}) {
    super(params, options, { lr: 0.01, momentum: 0.9 });
  }

  protected checkHyperparameters(h: HeavyBallHyperparameters, where: string): void {
    if (!(h.lr >= 0) || !(h.momentum >= 0 && h.momentum < 1)) throw new Error(`HeavyBall: bad lr ${h.lr} or momentum ${h.momentum} ${where}`);
  }

  protected updateGroup(group: ParamGroup<HeavyBallHyperparameters>): void {
    for (const p of group.params) {
      const g = this.gradOf(p);
      if (g === null) continue;
      const velocity = this.buffer(p, 'velocity'); // this.paramState(p) holds it, with any other per-parameter state
      add_(mul_(velocity, group.momentum), g);
      add_(p, velocity, { alpha: -group.lr });
    }
  }
}

const quadratic = (p: Tensor) => sum(mul(mul(p, p), tensor([1, 2, 3], { dtype: 'float64' })));

test('an optimizer of one\'s own, written with the public API only, matches SGD with momentum', () => {
  const a = tensor([1, -2, 0.5], { dtype: 'float64', requiresGrad: true });
  const b = tensor([1, -2, 0.5], { dtype: 'float64', requiresGrad: true });
  const mine = new HeavyBall([a], { lr: 0.05, momentum: 0.8 });
  const sgd = new SGD([b], { lr: 0.05, momentum: 0.8 });
  for (let step = 0; step < 6; step++) {
    for (const [opt, p] of [[mine, a], [sgd, b]] as const) {
      opt.zeroGrad();
      quadratic(p).backward();
      const version = p.version;
      opt.step();
      assert.ok(p.version > version, 'the in-place ops bump the version counter');
    }
    assert.equal(Array.from(a.data), Array.from(b.data));
  }
  assert.is(mine.name, 'HeavyBall');
  assert.equal(Object.keys(mine.stateDict().state[0]), ['velocity']);
});

test('the base class gives it option checks, parameter groups, state dicts and skipping of frozen parameters', () => {
  const p = tensor([1, 2], { requiresGrad: true });
  const frozen = tensor([3, 4]);
  assert.throws(() => new HeavyBall([p], { momentun: 0.5 } as never), /HeavyBall: unknown option "momentun" \(expected "lr", "momentum"\): did you mean "momentum"\?/);
  assert.throws(() => new HeavyBall([p], { momentum: 1 }), /HeavyBall: bad lr 0.01 or momentum 1 in the options/);
  const opt = new HeavyBall([{ params: [p] }, { params: [frozen], lr: 0.5 }]);
  sum(mul(p, p)).backward();
  opt.step();
  assert.equal(Array.from(frozen.data), [3, 4]);
  const copy = new HeavyBall([{ params: [tensor([0, 0], { requiresGrad: true })] }, { params: [tensor([0, 0])], lr: 0.5 }]);
  copy.loadStateDict(opt.stateDict());
  assert.equal(copy.stateDict(), opt.stateDict());
  assert.throws(() => copy.loadStateDict({ ...opt.stateDict(), state: { 0: { speed: tensor([0, 0]) } } } as never), /HeavyBall: loadStateDict: state of parameter 0 has "speed", which HeavyBall does not keep/);
});

test.run();
