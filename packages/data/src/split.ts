/** Which part of a dataset: the training or the test split. */
export type Split = 'train' | 'test';

export function checkSplit(op: string, split: unknown): Split {
  if (split !== 'train' && split !== 'test') throw new Error(`${op}: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  return split;
}
