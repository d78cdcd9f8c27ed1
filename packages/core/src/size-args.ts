import { checkOptionKeys } from './options.js';

/**
 * PyTorch's size arguments of zeros, ones, empty, rand and randn: the sizes as varargs (`randn(64, 20)`, `zeros(5)`)
 * or one array (`zeros([2, 3])`), then an optional options object whose keys must be among `known`
 * (`ones(2, 3, { dtype: 'float64' })`). Anything else after the sizes is an error naming the op.
 */
export function sizeAndOptions<O extends object>(op: string, args: readonly unknown[], known: readonly string[]): [number[], O | undefined] {
  let sizes: unknown[];
  let rest: readonly unknown[];
  if (Array.isArray(args[0])) {
    sizes = args[0];
    rest = args.slice(1);
  } else {
    const first = args[0];
    if (first !== undefined && typeof first !== 'number' && (typeof first !== 'object' || first === null)) {
      throw new TypeError(`${op}: expected a shape (sizes as numbers or one array), got ${first === null ? 'null' : typeof first}`);
    }
    let n = 0;
    while (n < args.length && typeof args[n] === 'number') n++;
    sizes = args.slice(0, n);
    rest = args.slice(n);
  }
  const [options, ...extra] = rest;
  if (extra.length > 0 || (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options)))) {
    const what = rest.map((a) => (a === null ? 'null' : Array.isArray(a) ? 'Array' : typeof a)).join(', ');
    throw new TypeError(`${op}: expected an options object after the sizes, got (${what})`);
  }
  if (options !== undefined) checkOptionKeys(op, options, known);
  return [sizes as number[], options as O | undefined];
}
