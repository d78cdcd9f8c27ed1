import { positionalOptions } from '@torchlet/core';

/**
 * An optimizer's arguments after `params`, in either of PyTorch's forms: its hyperparameters positionally, in
 * PyTorch's order (`Adam(params, 1e-3, [0.9, 0.999])`), or one options object; `maximize` is keyword-only, as in
 * PyTorch. `order` is typed by the options, so a name in it that is not a hyperparameter does not compile.
 */
export function optimizerOptions<O extends object>(name: string, args: readonly unknown[], order: readonly (keyof O & string)[]): O {
  return positionalOptions<O>(name, args, order, ['maximize']);
}
