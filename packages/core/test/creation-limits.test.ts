import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  tensor, empty, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye, rand, randn, randint,
  randLike, randnLike,
} from '../src/index.js';
import { MAX_NUMEL } from '../src/creation.js';

const huge = [1e6, 1e6];
const limit = String(MAX_NUMEL);

/** The error must name the function called, the shape, the element count and the limit. */
function refuses(call: () => unknown, op: string, shape: string, numel: string): void {
  try {
    call();
  } catch (err) {
    assert.instance(err, RangeError);
    const message = (err as Error).message;
    assert.ok(message.startsWith(`${op}: `), `names ${op}: ${message}`);
    assert.ok(message.includes(shape), `names the shape ${shape}: ${message}`);
    assert.ok(message.includes(numel), `names the element count ${numel}: ${message}`);
    assert.ok(message.includes(limit), `names the limit: ${message}`);
    return;
  }
  assert.unreachable(`${op} accepted ${shape}`);
}

test('every creation function refuses a shape past the element limit, naming itself, the shape, the count and the limit', () => {
  const cases: [string, () => unknown][] = [
    ['zeros', () => zeros(huge)],
    ['ones', () => ones(huge)],
    ['full', () => full(huge, 3)],
    ['empty', () => empty(huge)],
    ['rand', () => rand(huge)],
    ['randn', () => randn(huge, { dtype: 'float64' })],
    ['randint', () => randint(0, 10, huge)],
    ['tensor', () => tensor([1, 2], { shape: huge })],
  ];
  for (const [op, call] of cases) refuses(call, op, '[1000000, 1000000]', '1000000000000');
  refuses(() => arange(1e12), 'arange', '[1000000000000]', '1000000000000');
  refuses(() => arange(0, 1, 1e-12), 'arange', '[1000000000000]', '1000000000000');
  refuses(() => linspace(0, 1, 2 ** 31), 'linspace', '[2147483648]', '2147483648');
  refuses(() => eye(1e5), 'eye', '[100000, 100000]', '10000000000');
});

test('the limit is exact: one element past it is refused, before any memory is asked for', () => {
  refuses(() => zeros([MAX_NUMEL + 1]), 'zeros', `[${MAX_NUMEL + 1}]`, String(MAX_NUMEL + 1));
  refuses(() => zeros([2, 2 ** 30]), 'zeros', '[2, 1073741824]', '2147483648');
  // A zero-size dimension makes any other size fine.
  assert.equal(zeros([0, 1e12]).shape, [0, 1e12]);
  assert.is(ones([3, 0, 5]).numel(), 0);
});

test('errors of the *Like functions and of bad shapes name the function the user called', () => {
  const like = zeros([2, 3]);
  assert.equal(Array.from(fullLike(like, 2).data), [2, 2, 2, 2, 2, 2]);
  assert.throws(() => zerosLike([1] as never), /^zerosLike: expected a Tensor/);
  assert.throws(() => onesLike(null as never), /^onesLike: expected a Tensor/);
  assert.throws(() => randLike({} as never), /^randLike: expected a Tensor/);
  assert.throws(() => randnLike(3 as never), /^randnLike: expected a Tensor/);
  assert.throws(() => ones([2.5]), /^ones: expected a shape of non-negative integers, got \[2\.5\]/);
  assert.throws(() => randn([NaN]), /^randn: expected a shape of non-negative integers/);
  assert.throws(() => randint(0, 2, [-3]), /^randint: expected a shape of non-negative integers, got \[-3\]/);
  assert.throws(() => empty('3' as never), /^empty: expected a shape/);
  assert.throws(() => ones([2], { dtype: 'int8' as never }), /^ones: unknown dtype "int8"/);
  assert.throws(() => zeros([2], 5 as never), /^zeros: expected an options object/);
});

test.run();
