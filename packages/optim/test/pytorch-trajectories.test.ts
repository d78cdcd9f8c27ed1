import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, tensor, mul, add, sum, assertClose } from '@torchlet/core';
import { Adadelta, Adagrad, RMSprop, type Optimizer } from '@torchlet/optim';

interface Case {
  optimizer: 'RMSprop' | 'Adagrad' | 'Adadelta';
  options: Record<string, number | boolean>;
  steps: { w: number[]; b: number[] }[];
  state: Record<'w' | 'b', Record<string, number | number[]>>;
}
const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'optimizers-reference.json');
const ref = JSON.parse(readFileSync(fixture, 'utf8')) as Record<string, number[]> & { cases: Case[]; steps: number };
const f64 = (values: number[], shape: number[], requiresGrad = false) => tensor(values, { shape, dtype: 'float64', requiresGrad });
const classes = { RMSprop, Adagrad, Adadelta } as unknown as Record<string, new (params: Tensor[], options: object) => Optimizer>;

test('RMSprop, Adagrad and Adadelta follow PyTorch 1.13 step by step (float64), skipping a frozen parameter, resumed from a state dict halfway', () => {
  assert.is(ref.cases.length, 11);
  for (const c of ref.cases) {
    const where = `${c.optimizer} ${JSON.stringify(c.options)}`;
    const w = f64(ref.w0, [3, 2], true);
    const b = f64(ref.b0, [4], true);
    const frozen = f64(ref.frozen0, [2]);
    const [cw, cb, dw, db] = [f64(ref.cw, [3, 2]), f64(ref.cb, [4]), f64(ref.dw, [3, 2]), f64(ref.db, [4])];
    let opt = new classes[c.optimizer]([w, b, frozen], c.options);
    c.steps.forEach((expected, i) => {
      if (i === 4) {
        // resume halfway from a state dict in a fresh optimizer: the trajectory must not notice
        const resumed = new classes[c.optimizer]([w, b, frozen], c.options);
        resumed.loadStateDict(opt.stateDict());
        opt = resumed;
      }
      opt.zeroGrad();
      const loss = add(sum(add(mul(mul(cw, w), w), mul(dw, w))), sum(add(mul(mul(cb, b), b), mul(db, b))));
      loss.backward();
      opt.step();
      try {
        assertClose(w, f64(expected.w, [3, 2]), { atol: 1e-12, rtol: 1e-10 });
        assertClose(b, f64(expected.b, [4]), { atol: 1e-12, rtol: 1e-10 });
      } catch (e) {
        throw new Error(`${where}, step ${i + 1}: ${(e as Error).message}`);
      }
    });
    assert.equal(Array.from(frozen.data), ref.frozen0, where);
    const saved = opt.stateDict().state;
    for (const [index, key] of [[0, 'w'], [1, 'b']] as const) {
      const state = saved[index];
      assert.equal(Object.keys(state).sort(), Object.keys(c.state[key]).sort(), where);
      for (const [field, value] of Object.entries(c.state[key])) {
        if (typeof value === 'number') assert.is(state[field], value, `${where} ${field}`);
        else assertClose(state[field] as Tensor, tensor(value, { dtype: 'float64', shape: [value.length] }).reshape((state[field] as Tensor).shape), { atol: 1e-12, rtol: 1e-10 });
      }
    }
    // Adagrad, as PyTorch's, creates every parameter's state when its group is added; the frozen one never steps
    if (c.optimizer === 'Adagrad') assert.is(saved[2].step, 0, where);
    else assert.is(saved[2], undefined, `${where}: no state for the frozen parameter`);
  }
});

test.run();
