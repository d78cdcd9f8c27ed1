import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, tensor } from '@torchlet/core';
import {
  Adam, CosineAnnealingLR, ExponentialLR, MultiStepLR, OneCycleLR, Optimizer, SGD, StepLR,
  type Hyperparameters, type LRScheduler, type ParamGroup, type Params,
} from '@torchlet/optim';

const leaf = () => tensor([1, 2], { requiresGrad: true });
const sgd = (lr = 1, momentum = 0) => new SGD([leaf()], { lr, momentum });

/** The lr right after construction, then after each of `steps` calls to step(). */
function lrSequence(scheduler: LRScheduler, steps: number, group = 0): number[] {
  const lrs = [scheduler.getLastLr()[group]];
  for (let i = 0; i < steps; i++) {
    scheduler.step();
    assert.is(scheduler.getLastLr()[group], scheduler.optimizer.paramGroups[group].lr);
    lrs.push(scheduler.getLastLr()[group]);
  }
  return lrs;
}

test('StepLR(stepSize 2, gamma 0.5) from 1 gives 1, 1, 0.5, 0.5, 0.25', () => {
  const opt = sgd(1);
  const scheduler = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
  assert.equal(lrSequence(scheduler, 4), [1, 1, 0.5, 0.5, 0.25]);
  assert.is(scheduler.lastEpoch, 4);
  assert.is(opt.paramGroups[0].initialLr, 1);
  const defaultGamma = new StepLR(sgd(1), { stepSize: 3 });
  assertClose(lrSequence(defaultGamma, 7), [1, 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01], { atol: 1e-15 });
});

test('MultiStepLR decays at each milestone, twice at a repeated one', () => {
  const scheduler = new MultiStepLR(sgd(1), { milestones: [5, 2, 5], gamma: 0.1 });
  const closedForm = [0, 1, 2, 3, 4, 5, 6].map((t) => 0.1 ** [2, 5, 5].filter((m) => m <= t).length);
  assertClose(lrSequence(scheduler, 6), closedForm, { atol: 1e-15, rtol: 1e-12 });
  assert.equal(scheduler.milestones, [2, 5, 5]);
});

test('ExponentialLR multiplies by gamma every step; each group keeps its own lr', () => {
  const opt = new SGD([{ params: [leaf()], lr: 1 }, { params: [leaf()], lr: 0.2 }], { lr: 0 });
  const scheduler = new ExponentialLR(opt, { gamma: 0.9 });
  const closedForm = (base: number) => [0, 1, 2, 3, 4, 5].map((t) => base * 0.9 ** t);
  const lrs = [scheduler.getLastLr()];
  for (let i = 0; i < 5; i++) {
    scheduler.step();
    lrs.push(scheduler.getLastLr());
  }
  assertClose(lrs.map((l) => l[0]), closedForm(1), { atol: 1e-15, rtol: 1e-12 });
  assertClose(lrs.map((l) => l[1]), closedForm(0.2), { atol: 1e-15, rtol: 1e-12 });
  assert.equal(scheduler.baseLrs, [1, 0.2]);
});

test('CosineAnnealingLR follows etaMin + (base - etaMin)(1 + cos(π·t/tMax))/2', () => {
  const scheduler = new CosineAnnealingLR(sgd(1), { tMax: 10, etaMin: 0.1 });
  const closedForm = Array.from({ length: 13 }, (_, t) => 0.1 + 0.9 * (1 + Math.cos((Math.PI * t) / 10)) / 2);
  assertClose(lrSequence(scheduler, 12), closedForm, { atol: 1e-15, rtol: 1e-12 });
  const lrs = lrSequence(new CosineAnnealingLR(sgd(0.5), { tMax: 4 }), 4);
  assertClose(lrs, [0.5, 0.25 * (1 + Math.SQRT1_2), 0.25, 0.25 * (1 - Math.SQRT1_2), 0], { atol: 1e-15 });
});

test('a scheduler records initialLr once; a second scheduler starts from it', () => {
  const opt = sgd(1);
  new StepLR(opt, { stepSize: 1, gamma: 0.5 }).step();
  assert.is(opt.paramGroups[0].lr, 0.5);
  const cosine = new CosineAnnealingLR(opt, { tMax: 2 });
  assert.equal(cosine.baseLrs, [1]);
  assert.is(opt.paramGroups[0].initialLr, 1);
});

/** PyTorch's OneCycleLR formulas for one step t, written out: returns [lr, momentum]. */
function oneCycleReference(t: number, total: number, maxLr: number, options: { pct?: number; linear?: boolean; threePhase?: boolean } = {}): [number, number] {
  const { pct = 0.3, linear = false, threePhase = false } = options;
  const initial = maxLr / 25;
  const min = initial / 1e4;
  const anneal = (start: number, end: number, fraction: number) =>
    linear ? (end - start) * fraction + start : end + ((start - end) / 2) * (Math.cos(Math.PI * fraction) + 1);
  const up = pct * total - 1;
  if (t <= up) return [anneal(initial, maxLr, t / up), anneal(0.95, 0.85, t / up)];
  if (threePhase) {
    const down = 2 * pct * total - 2;
    if (t <= down) return [anneal(maxLr, initial, (t - up) / (down - up)), anneal(0.85, 0.95, (t - up) / (down - up))];
    return [anneal(initial, min, (t - down) / (total - 1 - down)), 0.95];
  }
  return [anneal(maxLr, min, (t - up) / (total - 1 - up)), anneal(0.85, 0.95, (t - up) / (total - 1 - up))];
}

test('OneCycleLR: starts at maxLr/25, peaks at maxLr after 30% of the steps, ends at maxLr/25/1e4; momentum moves inversely', () => {
  const opt = sgd(123, 0.9);
  const scheduler = new OneCycleLR(opt, { maxLr: 1, totalSteps: 100 });
  assert.is(opt.paramGroups[0].initialLr, 0.04);
  const lrs = lrSequence(scheduler, 99);
  assertClose([lrs[0]], [0.04], { atol: 1e-15 });
  assertClose([lrs[29]], [1], { atol: 1e-15 });
  assertClose([lrs[99]], [4e-6], { atol: 1e-15 });
  assert.is(Math.max(...lrs), lrs[29]);
  const reference = lrs.map((_, t) => oneCycleReference(t, 100, 1)[0]);
  assertClose(lrs, reference, { atol: 1e-14, rtol: 1e-12 });
  assertClose([opt.paramGroups[0].momentum], [0.95], { atol: 1e-15 });
});

test('OneCycleLR cycles SGD momentum and Adam beta1 step by step, as PyTorch', () => {
  const opt = sgd(1, 0.9);
  const scheduler = new OneCycleLR(opt, { maxLr: 0.5, epochs: 4, stepsPerEpoch: 5 });
  assert.is(scheduler.totalSteps, 20);
  const momenta = [opt.paramGroups[0].momentum];
  for (let t = 1; t < 20; t++) {
    scheduler.step();
    momenta.push(opt.paramGroups[0].momentum);
  }
  assertClose(momenta, momenta.map((_, t) => oneCycleReference(t, 20, 0.5)[1]), { atol: 1e-15 });
  assertClose([momenta[0], momenta[5], momenta[19]], [0.95, 0.85, 0.95], { atol: 1e-15 });

  const adam = new Adam([leaf()], { betas: [0.9, 0.99] });
  const adamScheduler = new OneCycleLR(adam, { maxLr: 0.01, totalSteps: 10, pctStart: 0.5 });
  assert.equal(adam.paramGroups[0].betas, [0.95, 0.99]);
  for (let t = 1; t <= 4; t++) adamScheduler.step();
  assertClose([adam.paramGroups[0].betas[0]], [0.85], { atol: 1e-15 });
  assert.is(adam.paramGroups[0].betas[1], 0.99);

  const fixed = sgd(1, 0.9);
  new OneCycleLR(fixed, { maxLr: 1, totalSteps: 10, cycleMomentum: false }).step();
  assert.is(fixed.paramGroups[0].momentum, 0.9);
});

test('OneCycleLR three-phase and linear variants follow PyTorch formulas; stepping past totalSteps is an error', () => {
  const three = new OneCycleLR(sgd(), { maxLr: 2, totalSteps: 50, threePhase: true });
  const lrs = lrSequence(three, 49);
  assertClose(lrs, lrs.map((_, t) => oneCycleReference(t, 50, 2, { threePhase: true })[0]), { atol: 1e-14, rtol: 1e-12 });
  assertClose([lrs[14], lrs[28], lrs[49]], [2, 0.08, 0.08 / 1e4], { atol: 1e-14 });

  const linear = new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 20, annealStrategy: 'linear', pctStart: 0.25 });
  const linearLrs = lrSequence(linear, 19);
  assertClose(linearLrs, linearLrs.map((_, t) => oneCycleReference(t, 20, 1, { linear: true, pct: 0.25 })[0]), { atol: 1e-14 });
  assertClose([linearLrs[2]], [0.04 + 0.96 * (2 / 4)], { atol: 1e-15 });

  linear.step(); // lastEpoch 20 = totalSteps is still allowed, as in PyTorch
  assert.throws(() => linear.step(), /OneCycleLR: tried to step 21 times but totalSteps is 20/);
  assert.is(linear.lastEpoch, 20);
});

test('OneCycleLR takes one maxLr per group', () => {
  const opt = new SGD([{ params: [leaf()] }, { params: [leaf()] }], { lr: 1, momentum: 0.9 });
  const scheduler = new OneCycleLR(opt, { maxLr: [1, 0.1], totalSteps: 10 });
  assertClose(scheduler.getLastLr(), [0.04, 0.004], { atol: 1e-15 });
  assert.throws(() => new OneCycleLR(opt, { maxLr: [1], totalSteps: 10 }), /OneCycleLR: expected 2 values for maxLr \(one per parameter group\), got 1/);
});

/** An optimizer with neither momentum nor betas, to show OneCycleLR's check (and that Optimizer is extensible). */
class PlainGD extends Optimizer<Hyperparameters> {
  protected readonly stateFields = {};
  constructor(params: Params) {
    super(params, {}, { lr: 0.1 });
  }
  override get name(): string {
    return 'PlainGD';
  }
  protected checkHyperparameters(): void {}
  protected updateGroup(group: ParamGroup): void {
    for (const p of group.params) {
      const g = this.gradOf(p);
      if (g === null) continue;
      p.sub_(g, { alpha: group.lr });
    }
  }
}

test('schedulers reject bad options, naming themselves', () => {
  assert.throws(() => new StepLR({} as never, { stepSize: 1 }), /StepLR: expected an Optimizer, got Object/);
  assert.throws(() => new StepLR(sgd(), { stepSize: 0 }), /StepLR: stepSize must be a positive integer, got 0/);
  assert.throws(() => new StepLR(sgd(), { stepSize: 1.5 }), /StepLR: stepSize must be a positive integer, got 1.5/);
  assert.throws(() => new StepLR(sgd(), { stepSize: 2, gamma: -0.5 }), /StepLR: gamma must be a positive number, got -0.5/);
  assert.throws(() => new MultiStepLR(sgd(), { milestones: [2, -1] }), /MultiStepLR: milestones must be an array of positive integers, got \[2,-1\]/);
  assert.throws(() => new ExponentialLR(sgd(), {} as never), /ExponentialLR: gamma must be a positive number, got undefined/);
  assert.throws(() => new CosineAnnealingLR(sgd(), { tMax: 0 }), /CosineAnnealingLR: tMax must be a positive integer, got 0/);
  assert.throws(() => new CosineAnnealingLR(sgd(), { tMax: 5, etaMin: -1 }), /CosineAnnealingLR: etaMin must be a number >= 0, got -1/);
  assert.throws(() => new OneCycleLR(sgd(), { maxLr: 1 }), /OneCycleLR: give either totalSteps or both epochs and stepsPerEpoch/);
  assert.throws(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: -5 }), /OneCycleLR: totalSteps must be a positive integer, got -5/);
  assert.throws(() => new OneCycleLR(sgd(), { maxLr: 1, epochs: 3 }), /OneCycleLR: stepsPerEpoch must be a positive integer, got undefined/);
  assert.throws(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, pctStart: 1.5 }), /OneCycleLR: pctStart must be a number in \[0, 1\], got 1.5/);
  assert.throws(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, annealStrategy: 'exp' as never }), /OneCycleLR: annealStrategy must be 'cos' or 'linear', got "exp"/);
  assert.throws(() => new OneCycleLR(sgd(), { maxLr: -1, totalSteps: 10 }), /OneCycleLR: maxLr must be a positive number, got -1/);
  assert.throws(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, divFactor: 0 }), /OneCycleLR: divFactor must be a positive number, got 0/);
  const plain = new PlainGD([leaf()]);
  assert.throws(() => new OneCycleLR(plain, { maxLr: 1, totalSteps: 10 }), /OneCycleLR: cycleMomentum needs an optimizer with momentum or betas, and PlainGD has neither; pass cycleMomentum: false/);
  const scheduler = new OneCycleLR(plain, { maxLr: 1, totalSteps: 10, cycleMomentum: false });
  assertClose(scheduler.getLastLr(), [0.04], { atol: 1e-15 });
});

test('scheduler state dict round trip: resume with a fresh optimizer and scheduler gives the uninterrupted lrs', () => {
  const makers: ((opt: SGD) => LRScheduler)[] = [
    (opt) => new StepLR(opt, { stepSize: 2, gamma: 0.5 }),
    (opt) => new CosineAnnealingLR(opt, { tMax: 8, etaMin: 0.01 }),
    (opt) => new OneCycleLR(opt, { maxLr: 1, totalSteps: 12 }),
  ];
  for (const make of makers) {
    const straightOpt = sgd(1, 0.9);
    const straight = make(straightOpt);
    const expected = lrSequence(straight, 10);
    const firstOpt = sgd(1, 0.9);
    const first = make(firstOpt);
    lrSequence(first, 4);
    const saved = JSON.parse(JSON.stringify({ opt: firstOpt.stateDict(), scheduler: first.stateDict() }));
    const resumedOpt = sgd(1, 0.9);
    const resumed = make(resumedOpt);
    resumedOpt.loadStateDict(saved.opt);
    resumed.loadStateDict(saved.scheduler);
    assert.is(resumed.lastEpoch, 4);
    assert.equal(resumed.getLastLr(), [expected[4]]);
    assert.equal(lrSequence(resumed, 6), expected.slice(4), `${resumed.name} resumes`);
    assert.is(resumedOpt.paramGroups[0].momentum, straightOpt.paramGroups[0].momentum);
  }
});

test('scheduler loadStateDict refuses a state dict from a different setup', () => {
  const saved = new StepLR(sgd(), { stepSize: 2, gamma: 0.5 }).stateDict();
  assert.equal(saved, { lastEpoch: 0, baseLrs: [1], lastLr: [1], settings: { stepSize: 2, gamma: 0.5 } });
  assert.throws(() => new StepLR(sgd(), { stepSize: 3, gamma: 0.5 }).loadStateDict(saved), /StepLR: loadStateDict: the state dict has stepSize 2 but this scheduler has 3/);
  assert.throws(() => new CosineAnnealingLR(sgd(), { tMax: 2 }).loadStateDict(saved), /CosineAnnealingLR: loadStateDict: the state dict has setting "stepSize", which CosineAnnealingLR does not have/);
  const twoGroups = new SGD([{ params: [leaf()] }, { params: [leaf()] }], { lr: 1 });
  assert.throws(() => new StepLR(twoGroups, { stepSize: 2, gamma: 0.5 }).loadStateDict(saved), /StepLR: loadStateDict: baseLrs must hold 2 numbers \(one per parameter group\), got Array/);
  assert.throws(() => new StepLR(sgd(), { stepSize: 2, gamma: 0.5 }).loadStateDict({ ...saved, lastEpoch: -3 }), /StepLR: loadStateDict: lastEpoch must be an integer >= 0, got number -3/);
  assert.throws(() => new StepLR(sgd(), { stepSize: 2 }).loadStateDict(null as never), /StepLR: loadStateDict: expected an object from stateDict\(\), got null/);
});

test.run();
