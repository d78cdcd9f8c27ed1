import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allFirstNames, firstNames, parseFirstNames, splitFirstNames } from '@torchlet/data';

test('firstNames: both stdlib lists, lowercased and deduplicated, split 90/10 without overlap, the same every call', () => {
  const all = allFirstNames();
  assert.ok(all.length > 7000 && all.length <= 4951 + 3898, `got ${all.length} names`);
  assert.ok(all.includes('aaron') && all.includes('aarika'), 'names from both lists');
  assert.equal(all, [...new Set(all)].sort());
  assert.ok(all.every((n) => n === n.toLowerCase() && n.length > 0));
  const train = firstNames();
  const testSplit = firstNames({ split: 'test' });
  assert.is(train.length + testSplit.length, all.length);
  assert.is(testSplit.length, Math.round(all.length * 0.1));
  const inTrain = new Set(train);
  assert.ok(testSplit.every((n) => !inTrain.has(n)));
  assert.equal(firstNames({ split: 'test' }), testSplit);
  assert.throws(() => firstNames({ split: 'val' as 'test' }), /firstNames: split must be 'train' or 'test'/);
});

test('parseFirstNames lowercases, trims, deduplicates and sorts; splitFirstNames is fixed and disjoint', () => {
  assert.equal(parseFirstNames(['Emma\nolivia \n\nAVA', 'ava\nEmma\n']), ['ava', 'emma', 'olivia']);
  const names = Array.from({ length: 50 }, (_, i) => `n${i}`);
  const a = splitFirstNames(names, { split: 'test' });
  assert.is(a.length, 5);
  assert.equal(splitFirstNames(names, { split: 'test' }), a);
  assert.is(splitFirstNames(names).filter((n) => a.includes(n)).length, 0);
});

test('the names readers refuse unknown option keys and extra arguments, as the other readers', () => {
  const names = ['a', 'b', 'c'];
  assert.throws(() => firstNames({ spilt: 'test' } as never), /firstNames: unknown option "spilt".*did you mean "split"\?/);
  assert.throws(() => firstNames('test' as never), /firstNames: got 1 positional arguments/);
  assert.throws(() => splitFirstNames(names, { Split: 'test' } as never), /splitFirstNames: unknown option "Split".*did you mean "split"\?/);
  assert.throws(() => splitFirstNames(names, 'test' as never), /splitFirstNames: got 1 positional arguments/);
  assert.throws(() => (parseFirstNames as (...a: unknown[]) => string[])(['a'], { lowercase: false }), /parseFirstNames: takes one array of lists, got 2 arguments/);
  assert.throws(() => parseFirstNames('emma\nava' as never), /parseFirstNames: expected an array of strings/);
  assert.throws(() => (allFirstNames as (...a: unknown[]) => string[])({ split: 'test' }), /allFirstNames: takes no arguments/);
});

test.run();
