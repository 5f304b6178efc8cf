import { canRead } from '../../dataset/access.js';
import { isValidOn } from '../../dataset/load.js';
import type { Chunk } from '../chunk.js';
import type { Space } from './hnsw-file.js';

/** A chunk with its content key (content-key.ts): what a store holds beside the vector. */
export interface KeyedChunk {
  key: string;
  chunk: Chunk;
}

/**
 * Which chunks a search may return, pushed down into the store: `asOf`, chunks of versions valid
 * that day (validFrom <= asOf < validTo); `groups`, chunks whose document is public (no or an
 * empty `access` list) or shares a group with them. Absent fields filter nothing.
 */
export interface StoreFilter {
  asOf?: string;
  groups?: readonly string[];
}

export interface StoreHit {
  chunk: Chunk;
  /** Smaller is closer (hnswlib's and LanceDB's cosine distance is 1 - cos). */
  distance: number;
}

/** What a store's vectors mean: if any differs from the stored one, the store starts empty. */
export interface StoreIdentity {
  embeddingModel: string;
  dim: number;
  space: Space;
}

/** Throws for a dimension no index can hold: hnswlib aborts the process on a negative one. */
export function checkIdentity(identity: StoreIdentity): void {
  const { dim, embeddingModel } = identity;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`embedder ${embeddingModel}: embedding dimension must be a positive integer (got ${dim})`);
}

/**
 * A persistent vector index of keyed chunks. Writes (`add`, `remove`) become durable on `save`
 * (a store may write earlier); `search` sees them at once.
 */
export interface VectorStore {
  /** Chunks stored (removed ones not counted). */
  readonly size: number;
  /** Content keys of the stored chunks. */
  keys(): ReadonlySet<string>;
  /** `vectors[i]` belongs to `items[i]`; each must be a finite vector of the identity's dim. */
  add(items: readonly KeyedChunk[], vectors: readonly Float32Array[]): Promise<void>;
  remove(keys: readonly string[]): Promise<void>;
  /** Up to k nearest visible chunks, best first. */
  search(vector: Float32Array, k: number, filter?: StoreFilter): Promise<StoreHit[]>;
  save(): Promise<void>;
  /** Bytes the store occupies on disk. */
  diskBytes(): Promise<number>;
  close(): Promise<void>;
}

/** The retrieval settings a store reads (config `retrieval`). */
export interface StoreSettings {
  M: number;
  efConstruction: number;
  efSearch: number;
  lancedb: { index: 'none' | 'ivf-pq' | 'hnsw-sq'; minRows: number; partitions?: number; nprobes: number; refineFactor?: number };
}

export interface StoreOpenOptions {
  dir: string;
  identity: StoreIdentity;
  settings: StoreSettings;
}

/** An opened store; `reason` says why it started empty when a stored one existed but did not fit. */
export interface OpenedStore {
  store: VectorStore;
  reason?: string;
}

/** The same visibility rule for every store that filters in JS (BM25, HNSW); LanceDB pushes it into SQL. */
export function isVisible(chunk: Pick<Chunk, 'validFrom' | 'validTo' | 'access'>, filter: StoreFilter): boolean {
  const { asOf, groups } = filter;
  if (asOf !== undefined && !isValidOn(chunk, asOf)) return false;
  return canRead(chunk, groups);
}
