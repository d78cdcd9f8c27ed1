import type { Tensor } from '@torchlet/core';
import { deserialize, serialize, type Metadata } from './serialization.js';

/*
 * Weights kept in the browser between visits: a state dict stored as safetensors bytes in IndexedDB (database
 * "torchlet", object store "state-dicts"), under a name of the caller's choosing.
 */

const DATABASE = 'torchlet';
const STORE = 'state-dicts';

function open(op: string): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') return Promise.reject(new Error(`${op}: IndexedDB is not available here (it is a browser API)`));
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(`${op}: cannot open IndexedDB: ${request.error?.message ?? 'unknown error'}`));
  });
}

async function inStore<T>(op: string, mode: 'readonly' | 'readwrite', act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open(op);
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = act(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error(`${op}: ${request.error?.message ?? 'IndexedDB request failed'}`));
    });
  } finally {
    db.close();
  }
}

/** Stores a state dict in IndexedDB under `name` (as safetensors bytes), replacing what was stored under it. */
export async function storeStateDict(name: string, stateDict: Record<string, Tensor>, options: { metadata?: Metadata } = {}): Promise<void> {
  if (typeof name !== 'string' || name === '') throw new TypeError(`storeStateDict: expected a non-empty name, got ${JSON.stringify(name)}`);
  const bytes = serialize(stateDict, options);
  await inStore('storeStateDict', 'readwrite', (store) => store.put(bytes, name));
}

/** The state dict stored in IndexedDB under `name`; an error names it when there is none. */
export async function loadStoredStateDict(name: string): Promise<Record<string, Tensor>> {
  const bytes = await inStore<unknown>('loadStoredStateDict', 'readonly', (store) => store.get(name));
  if (bytes === undefined) throw new Error(`loadStoredStateDict: no state dict is stored under ${JSON.stringify(name)}`);
  return deserialize(bytes as Uint8Array, { source: `IndexedDB entry ${JSON.stringify(name)}` });
}

/** The names of the state dicts stored in IndexedDB. */
export async function storedStateDicts(): Promise<string[]> {
  return (await inStore('storedStateDicts', 'readonly', (store) => store.getAllKeys())).map(String);
}

/** Removes the state dict stored under `name` (nothing happens when there is none). */
export async function deleteStoredStateDict(name: string): Promise<void> {
  await inStore('deleteStoredStateDict', 'readwrite', (store) => store.delete(name));
}
