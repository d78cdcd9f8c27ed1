import { LRScheduler, checkOptimizer, schedulerArgs, type SchedulerSetting } from './lr-scheduler.js';
import { type Optimizer, type ParamGroup } from './optimizer.js';
import { checkPositive, checkPositiveInteger } from './schedulers.js';

/**
 * Options of OneCycleLR, as torch.optim.lr_scheduler.OneCycleLR's: defaults pctStart 0.3, annealStrategy 'cos', cycleMomentum true,
 * baseMomentum 0.85, maxMomentum 0.95, divFactor 25, finalDivFactor 1e4, threePhase false.
 */
export interface OneCycleLROptions {
  /** The peak lr, one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** The length of the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** The fraction of the cycle spent raising the lr. */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** Cycle SGD's momentum (or Adam's beta1) inversely to the lr, between baseMomentum and maxMomentum. */
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  /** The starting lr is maxLr / divFactor. */
  divFactor?: number;
  /** The final lr is the starting lr / finalDivFactor. */
  finalDivFactor?: number;
  /** A third phase annealing back from the starting lr to the final one (fast.ai's variant). */
  threePhase?: boolean;
}

/** PyTorch's positional order of OneCycleLR's settings. */
const ONE_CYCLE_ARGS = [
  'maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum',
  'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase',
];

type Bound = 'initial' | 'max' | 'min';

interface Phase {
  endStep: number;
  startLr: Bound;
  endLr: Bound;
  startMomentum: 'base' | 'max';
  endMomentum: 'base' | 'max';
}

/** A group that may have momentum (SGD) or betas (Adam). */
type MomentumGroup = ParamGroup & { momentum?: number; betas?: readonly [number, number] };

/**
 * The 1cycle policy (Smith & Topsoe), like torch.optim.lr_scheduler.OneCycleLR, meant to be stepped after every
 * batch: the lr rises from maxLr/divFactor to maxLr over pctStart of the cycle, then anneals to
 * maxLr/(divFactor·finalDivFactor); the momentum moves the opposite way. Construction sets each group's
 * `initialLr` to maxLr/divFactor (replacing any earlier one) and, with cycleMomentum, its momentum to maxMomentum.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly pctStart: number;
  readonly annealStrategy: 'cos' | 'linear';
  readonly cycleMomentum: boolean;
  readonly divFactor: number;
  readonly finalDivFactor: number;
  readonly threePhase: boolean;
  readonly maxLrs: readonly number[];
  readonly minLrs: readonly number[];
  readonly baseMomentums: readonly number[];
  readonly maxMomentums: readonly number[];
  private readonly phases: readonly Phase[];
  /** Whether momentum lives in `betas[0]` (Adam) rather than `momentum` (SGD). */
  private readonly useBeta1: boolean;

  constructor(optimizer: Optimizer, options: OneCycleLROptions);
  /** PyTorch's positional form `OneCycleLR(optimizer, maxLr, totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, ...)`. */
  constructor(optimizer: Optimizer, maxLr: number | readonly number[], totalSteps?: number | null, epochs?: number, stepsPerEpoch?: number, options?: OneCycleLROptions);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const name = 'OneCycleLR';
    checkOptimizer(name, optimizer);
    const options = schedulerArgs<OneCycleLROptions>(name, args, ONE_CYCLE_ARGS);
    const {
      maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false,
    } = options;
    let total: number;
    if (totalSteps !== undefined && totalSteps !== null) {
      checkPositiveInteger(name, 'totalSteps', totalSteps);
      total = totalSteps;
    } else if (epochs !== undefined || stepsPerEpoch !== undefined) {
      checkPositiveInteger(name, 'epochs', epochs);
      checkPositiveInteger(name, 'stepsPerEpoch', stepsPerEpoch);
      total = epochs * stepsPerEpoch;
    } else {
      throw new Error('OneCycleLR: give either totalSteps or both epochs and stepsPerEpoch');
    }
    if (typeof pctStart !== 'number' || !(pctStart >= 0 && pctStart <= 1)) {
      throw new Error(`OneCycleLR: pctStart must be a number in [0, 1], got ${String(pctStart)}`);
    }
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new Error(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got ${JSON.stringify(annealStrategy)}`);
    }
    checkPositive(name, 'divFactor', divFactor);
    checkPositive(name, 'finalDivFactor', finalDivFactor);
    const groups = optimizer.paramGroups as MomentumGroup[];
    const maxLrs = perGroup(name, 'maxLr', maxLr, groups.length);
    const useBeta1 = 'betas' in optimizer.defaults;
    let baseMomentums: number[] = [];
    let maxMomentums: number[] = [];
    if (cycleMomentum) {
      if (!useBeta1 && !('momentum' in optimizer.defaults)) {
        throw new Error(`OneCycleLR: cycleMomentum needs an optimizer with momentum or betas, and ${optimizer.name} has neither; pass cycleMomentum: false`);
      }
      baseMomentums = perGroup(name, 'baseMomentum', baseMomentum, groups.length);
      maxMomentums = perGroup(name, 'maxMomentum', maxMomentum, groups.length);
    }
    // Set before the base constructor, which keeps an existing initialLr.
    groups.forEach((group, i) => {
      group.initialLr = maxLrs[i] / divFactor;
      if (cycleMomentum) setMomentum(group, useBeta1, maxMomentums[i]);
    });
    super(name, optimizer);
    this.totalSteps = total;
    this.pctStart = pctStart;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.divFactor = divFactor;
    this.finalDivFactor = finalDivFactor;
    this.threePhase = threePhase;
    this.maxLrs = maxLrs;
    this.minLrs = this.baseLrs.map((initial) => initial / finalDivFactor);
    this.baseMomentums = baseMomentums;
    this.maxMomentums = maxMomentums;
    this.useBeta1 = useBeta1;
    this.phases = threePhase
      ? [
          { endStep: pctStart * total - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' },
          { endStep: 2 * pctStart * total - 2, startLr: 'max', endLr: 'initial', startMomentum: 'base', endMomentum: 'max' },
          { endStep: total - 1, startLr: 'initial', endLr: 'min', startMomentum: 'max', endMomentum: 'max' },
        ]
      : [
          { endStep: pctStart * total - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' },
          { endStep: total - 1, startLr: 'max', endLr: 'min', startMomentum: 'base', endMomentum: 'max' },
        ];
    this.step();
  }

  override step(): void {
    if (this.lastEpoch + 1 > this.totalSteps) {
      throw new Error(`OneCycleLR: tried to step ${this.lastEpoch + 1} times but totalSteps is ${this.totalSteps}`);
    }
    super.step();
  }

  /** PyTorch's get_lr: find the phase holding lastEpoch and anneal within it; also sets the momentum when cycling. */
  protected computeLr(): number[] {
    const t = this.lastEpoch;
    const groups = this.optimizer.paramGroups as MomentumGroup[];
    return groups.map((group, g) => {
      let startStep = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i];
        if (t <= phase.endStep || i === this.phases.length - 1) {
          const pct = (t - startStep) / (phase.endStep - startStep);
          if (this.cycleMomentum) {
            const momentum = this.anneal(this.momentumOf(phase.startMomentum, g), this.momentumOf(phase.endMomentum, g), pct);
            setMomentum(group, this.useBeta1, momentum);
          }
          return this.anneal(this.lrOf(phase.startLr, g), this.lrOf(phase.endLr, g), pct);
        }
        startStep = phase.endStep;
      }
      throw new Error('OneCycleLR: unreachable');
    });
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  private lrOf(bound: Bound, group: number): number {
    if (bound === 'initial') return this.baseLrs[group];
    return bound === 'max' ? this.maxLrs[group] : this.minLrs[group];
  }

  private momentumOf(bound: 'base' | 'max', group: number): number {
    return bound === 'base' ? this.baseMomentums[group] : this.maxMomentums[group];
  }

  protected settings(): Record<string, SchedulerSetting> {
    return {
      totalSteps: this.totalSteps, pctStart: this.pctStart, annealStrategy: this.annealStrategy, cycleMomentum: this.cycleMomentum,
      divFactor: this.divFactor, finalDivFactor: this.finalDivFactor, threePhase: this.threePhase, maxLrs: this.maxLrs,
      baseMomentums: this.baseMomentums, maxMomentums: this.maxMomentums,
    };
  }
}

function setMomentum(group: MomentumGroup, useBeta1: boolean, value: number): void {
  if (useBeta1) group.betas = [value, group.betas![1]];
  else group.momentum = value;
}

/** One value per group from a number or an array of numbers, like PyTorch's _format_param. */
function perGroup(name: string, what: string, value: unknown, groups: number): number[] {
  const values = Array.isArray(value) ? value : [];
  if (Array.isArray(value)) {
    if (value.length !== groups) throw new Error(`${name}: expected ${groups} values for ${what} (one per parameter group), got ${value.length}`);
  } else {
    for (let i = 0; i < groups; i++) values.push(value);
  }
  values.forEach((v: unknown) => checkPositive(name, what, v));
  return values as number[];
}
