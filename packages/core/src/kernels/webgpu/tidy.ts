// Through the main entry, not '../../tensor.js': the published webgpu.js bundle must share index.js's Tensor.
import { Tensor } from '@torchlet/core';
import { rejectExtraArguments } from '../../options.js';
import { type ScopedStorage, closeScope, openScope } from './scopes.js';

/*
 * tidy(fn): release at a known point, as TensorFlow.js's tf.tidy (the name its users know; PyTorch needs none, its
 * tensors being reference-counted). Every storage a kernel makes while fn runs (ops' outputs and temporaries, the
 * gradients backward computes) goes back to the pool when fn returns, except the tensors fn returns and the leaves'
 * `.grad`s. Tensors made from host values (creation functions, `to('webgpu')`) are the caller's and are not released:
 * optimizer state (SGD's momentum, Adam's moments) is made with zerosLike on a parameter's first step, inside the
 * step the user wraps; TF.js keeps such state in variables, which torchlet does not have.
 */

/**
 * Runs fn (synchronous) and returns its value; the device tensors kernels made meanwhile go back to the pool, except
 * those fn returns (a Tensor, or Tensors in arrays and plain objects at any depth), which an enclosing tidy
 * then owns, and the `.grad`s backward set. Using a released tensor afterwards is an error saying it was released.
 */
export function tidy<T>(fn: () => T, ...extra: unknown[]): T {
  rejectExtraArguments('tidy', 1, 1 + extra.length);
  if (typeof fn !== 'function') throw new TypeError(`tidy: expected a function, got ${fn === null ? 'null' : typeof fn}`);
  const made = openScope();
  let outer: Set<ScopedStorage> | undefined;
  let result: T;
  try {
    result = fn();
  } catch (err) {
    releaseAll(made);
    throw err;
  } finally {
    outer = closeScope();
  }
  if (result instanceof Promise) {
    releaseAll(made);
    throw new TypeError('tidy: fn returned a Promise; tidy runs synchronous code only (await outside it, on what it returns)');
  }
  for (const t of returnedTensors(result)) {
    const root = t._deviceStorage?.root;
    if (root !== undefined && made.delete(root)) outer?.add(root);
  }
  releaseAll(made);
  return result;
}

function releaseAll(made: Set<ScopedStorage>): void {
  for (const storage of made) if (!storage.isReleased && !storage.isKept) storage.release();
}

/** The Tensors in fn's result: itself, or inside arrays and plain objects at any depth. */
function returnedTensors(value: unknown, found: Tensor[] = [], seen = new Set<unknown>()): Tensor[] {
  if (value instanceof Tensor) found.push(value);
  else if (value !== null && typeof value === 'object' && !seen.has(value)) {
    seen.add(value);
    const items = Array.isArray(value) ? value : Object.getPrototypeOf(value) === Object.prototype ? Object.values(value) : [];
    for (const item of items) returnedTensors(item, found, seen);
  }
  return found;
}
