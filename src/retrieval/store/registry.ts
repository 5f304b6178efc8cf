/**
 * The catalogue of vector stores (`retrieval.store`). A new store (pgvector, …) is one module
 * implementing VectorStore (types.ts) and one entry here. Implementations load on first use, so
 * the config schema can read this list without loading any native code.
 */
import { InputError } from '../../util/errors.js';
import type { OpenedStore, StoreOpenOptions } from './types.js';

export interface VectorStoreDef {
  /** Name in messages ("built HNSW index …"). */
  label: string;
  description: string;
  open(opts: StoreOpenOptions): Promise<OpenedStore>;
  /** Null when the store can run here; else why not, in one line. */
  unavailable(): Promise<string | null>;
}

export const VECTOR_STORES = {
  hnsw: {
    label: 'HNSW',
    description: 'hnswlib-node in memory, saved to the cache folder (the default)',
    open: async (opts) => (await import('./hnsw-store.js')).openHnswStore(opts),
    unavailable: async () => null,
  },
  lancedb: {
    label: 'LanceDB',
    description: 'a LanceDB table on disk with an IVF-PQ or IVF-HNSW-SQ index (optional dependency, Node >= 22)',
    open: async (opts) => (await import('./lancedb-store.js')).openLancedbStore(opts),
    unavailable: async () => (await import('./lancedb-store.js')).lancedbUnavailable(),
  },
} as const satisfies Record<string, VectorStoreDef>;

export type VectorStoreId = keyof typeof VECTOR_STORES;
export const VECTOR_STORE_IDS = Object.keys(VECTOR_STORES) as [VectorStoreId, ...VectorStoreId[]];

/** The store's definition; an InputError (exit 2, one line naming the key and the fix) when it cannot run here. */
export async function availableStore(id: VectorStoreId): Promise<VectorStoreDef> {
  const def: VectorStoreDef = VECTOR_STORES[id];
  const unavailable = await def.unavailable();
  if (unavailable !== null) throw new InputError(`${unavailable}; or set retrieval.store to "hnsw"`, { field: 'retrieval.store' });
  return def;
}
