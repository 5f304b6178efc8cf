import { copyFile, link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import hnswlib from 'hnswlib-node';
import { z } from 'zod';
import { sha256File, stableStringify } from '../util/hash.js';
import { writeFileAtomic } from '../util/fs.js';
import { type Chunk, chunkEmbeddingText, type ChunkingOptions } from './chunk.js';
import type { Embedder } from './embedding/types.js';
import { assertFiniteVector } from './embedding/validate.js';

// hnswlib-node is a CommonJS native addon: Node's ESM loader cannot see its named exports.
export const { HierarchicalNSW, BruteforceSearch } = hnswlib;
export type Hnsw = InstanceType<typeof HierarchicalNSW>;

export type Space = 'cosine' | 'ip' | 'l2';

/** 2: the manifest records index.bin's size and sha256, checked before every readIndex. */
export const INDEX_FORMAT_VERSION = 2;
/** hnswlib's own default seed. */
export const DEFAULT_SEED = 100;
/** Used when a search names no efSearch (the config default). hnswlib's own default, 10, is too low. */
export const DEFAULT_EF_SEARCH = 64;
const DEFAULT_BATCH_SIZE = 64;

const FILES = { manifest: 'manifest.json', index: 'index.bin', chunks: 'chunks.json' } as const;

/** An index file as written: its size and sha256, checked before native code reads it. */
export const IndexFileSchema = z.strictObject({ size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

const IndexManifestSchema = z.strictObject({
  formatVersion: z.literal(INDEX_FORMAT_VERSION),
  embeddingModel: z.string(),
  dim: z.number().int().positive(),
  space: z.enum(['cosine', 'ip', 'l2']),
  M: z.number().int().positive(),
  efConstruction: z.number().int().positive(),
  corpusHash: z.string(),
  chunking: z.strictObject({ chunkSize: z.number().int(), chunkOverlap: z.number().int() }),
  count: z.number().int().nonnegative(),
  seed: z.number().int(),
  builtAt: z.string(),
  buildSeconds: z.number().nonnegative(),
  /** index.bin as written. hnswlib trusts its input (damaged links or ids crash it, NaN poisons
   * distances), so the file's sha256 is verified on every load before native code sees it. */
  indexFile: IndexFileSchema,
});
export type IndexManifest = z.infer<typeof IndexManifestSchema>;

export interface SearchHit {
  chunk: Chunk;
  distance: number;
}

export interface SearchOptions {
  /** Size of HNSW's candidate list; raised to k when smaller. */
  efSearch?: number;
  /** Only chunks for which this returns true are eligible. */
  filter?: (chunk: Chunk) => boolean;
}

export interface VectorIndex {
  readonly size: number;
  readonly manifest: IndexManifest;
  /** Chunks in label order. */
  readonly chunks: readonly Chunk[];
  /** Approximate k nearest chunks, best first. Throws (never aborts) on a bad query or a throwing filter. */
  search(query: Float32Array, k: number, opts?: SearchOptions): SearchHit[];
  /** Exact k nearest chunks (brute force over the stored vectors), for measuring HNSW's recall. */
  exactSearch(query: Float32Array, k: number): SearchHit[];
}

export interface OpenOrBuildOptions {
  dir: string;
  embedder: Embedder;
  chunks: Chunk[];
  corpusHash: string;
  chunking: ChunkingOptions;
  space: Space;
  M: number;
  efConstruction: number;
  seed?: number;
  /** Texts per embedder.embed call. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The manifest fields that define an index: if any differs, the stored index is not the one asked for. */
type IndexIdentity = Omit<IndexManifest, 'builtAt' | 'buildSeconds' | 'indexFile'>;

/**
 * Reuses the index stored in `dir` if it was built from exactly these chunks with these settings,
 * else builds it (embedding every chunk) and stores it. `reason` says why it was (re)built.
 */
export async function openOrBuildIndex(opts: OpenOrBuildOptions): Promise<{ index: VectorIndex; reused: boolean; reason?: string }> {
  const wanted = identityOf(opts);
  const reuse = await checkStoredIndex(opts.dir, wanted, opts.chunks);
  if (reuse.ok) {
    const loaded = await loadIndex(opts.dir, reuse.manifest, opts.chunks);
    if (loaded.ok) return { index: loaded.index, reused: true };
    return { index: await buildAndStore(opts, wanted), reused: false, reason: loaded.reason };
  }
  return { index: await buildAndStore(opts, wanted), reused: false, reason: reuse.reason };
}

function identityOf(opts: OpenOrBuildOptions): IndexIdentity {
  const { embedder, M, efConstruction } = opts;
  if (!Number.isInteger(embedder.dim) || embedder.dim < 1) throw new Error(`embedder ${embedder.id}: dim must be a positive integer (got ${embedder.dim})`);
  if (!Number.isInteger(M) || M < 2) throw new Error(`M must be an integer >= 2 (got ${M})`);
  if (!Number.isInteger(efConstruction) || efConstruction < 1) throw new Error(`efConstruction must be a positive integer (got ${efConstruction})`);
  return {
    formatVersion: INDEX_FORMAT_VERSION,
    embeddingModel: embedder.id,
    dim: embedder.dim,
    space: opts.space,
    M,
    efConstruction,
    corpusHash: opts.corpusHash,
    chunking: { chunkSize: opts.chunking.chunkSize, chunkOverlap: opts.chunking.chunkOverlap },
    count: opts.chunks.length,
    seed: opts.seed ?? DEFAULT_SEED,
  };
}

// ---------------------------------------------------------------------------------------------
// Reuse

type Check = { ok: true; manifest: IndexManifest } | { ok: false; reason: string };

/** Decides from the manifest and files alone (no native code runs) whether the stored index fits. */
async function checkStoredIndex(dir: string, wanted: IndexIdentity, chunks: readonly Chunk[]): Promise<Check> {
  const stored = await readManifest(join(dir, FILES.manifest));
  if (!stored.ok) return stored;
  const manifest = stored.manifest;
  const changes = describeChanges(manifest, wanted);
  if (changes.length > 0) return { ok: false, reason: changes.join('; ') };

  const storedChunks = await readJson(join(dir, FILES.chunks));
  if (storedChunks === undefined) return { ok: false, reason: `${FILES.chunks} is missing or unreadable` };
  // Labels are positions in the chunk list, so the list itself must be identical, not just as long.
  if (stableStringify(storedChunks) !== stableStringify(chunks)) return { ok: false, reason: 'chunk list differs from the stored one' };

  return { ok: true, manifest };
}

async function readManifest(path: string): Promise<Check> {
  const json = await readJson(path);
  if (json === undefined) return { ok: false, reason: 'no readable manifest (first build or interrupted write)' };
  const parsed = IndexManifestSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `manifest invalid (${parsed.error.issues[0]?.path.join('.') || 'root'}: ${parsed.error.issues[0]?.message})` };
  return { ok: true, manifest: parsed.data };
}

const INDEX_CHANGES: Array<[keyof IndexIdentity, string]> = [
  ['embeddingModel', 'embedding model changed'],
  ['dim', 'embedding dimension changed'],
  ['space', 'distance space changed'],
  ['corpusHash', 'corpus changed'],
  ['chunking', 'chunking changed'],
  ['count', 'chunk count changed'],
  ['M', 'M changed'],
  ['efConstruction', 'efConstruction changed'],
  ['seed', 'seed changed'],
];

function describeChanges(stored: IndexManifest, wanted: IndexIdentity): string[] {
  return describeFieldChanges(stored, wanted, INDEX_CHANGES);
}

/** Human-readable differences between a stored and a wanted identity, in the order of `fields` (most important first). */
export function describeFieldChanges<T extends object>(stored: T, wanted: T, fields: ReadonlyArray<readonly [keyof T, string]>): string[] {
  const show = (v: unknown) => (typeof v === 'object' ? JSON.stringify(v) : String(v));
  const changes: string[] = [];
  for (const [key, label] of fields) {
    if (stableStringify(stored[key]) !== stableStringify(wanted[key])) changes.push(`${label} (${show(stored[key])} -> ${show(wanted[key])})`);
  }
  return changes;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** hnswlib's saveIndex header: 6 size_t, int32 maxlevel, uint32 entry point, 3 size_t, double mult, size_t efConstruction. */
const HEADER_BYTES = 96;

/** Reads hnswlib's index header in JS and returns a problem, or undefined if it fits the manifest. */
async function checkIndexFileHeader(path: string, name: string, m: IndexFileExpectation): Promise<string | undefined> {
  let buf: Buffer;
  let fileSize: number;
  try {
    fileSize = (await stat(path)).size;
    const fh = await open(path, 'r');
    try {
      buf = Buffer.alloc(HEADER_BYTES);
      await fh.read(buf, 0, HEADER_BYTES, 0);
    } finally {
      await fh.close();
    }
  } catch {
    return `${name} is missing or unreadable`;
  }
  if (fileSize < HEADER_BYTES) return `${name} is truncated`;
  const u64 = (offset: number) => Number(buf.readBigUInt64LE(offset));
  const count = u64(16);
  const bytesPerElement = u64(24);
  const labelOffset = u64(32);
  const dataOffset = u64(40);
  const M = u64(72);
  const efConstruction = u64(88);
  // Vectors are float32, stored between the level-0 links (dataOffset) and the label (labelOffset).
  const dim = (labelOffset - dataOffset) / 4;
  if (dim !== m.dim) return `${name} holds ${dim}-dimensional vectors but the manifest says ${m.dim}`;
  if (count !== m.count || M !== m.M || efConstruction !== m.efConstruction) return `${name} does not match its manifest`;
  if (fileSize < HEADER_BYTES + count * (bytesPerElement + 4)) return `${name} is truncated`;
  return undefined;
}

type Load = { ok: true; index: VectorIndex } | { ok: false; reason: string };

async function loadIndex(dir: string, manifest: IndexManifest, chunks: Chunk[]): Promise<Load> {
  const read = await readVerifiedIndex(join(dir, FILES.index), manifest);
  return read.ok ? { ok: true, index: new HnswVectorIndex(read.hnsw, manifest, chunks) } : read;
}

/** What an index file must match before native code reads it. */
export type IndexFileExpectation = Pick<IndexManifest, 'space' | 'dim' | 'count' | 'M' | 'efConstruction' | 'indexFile'>;

let pinCounter = 0;

/**
 * Loads an index file only after its bytes passed the manifest's sha256. The file is first pinned
 * under a private name (a hard link, else a copy), and the pinned file is what is hashed and what
 * readIndex reads: a concurrent rebuild renaming a new file into place cannot slip unverified
 * bytes in between the check and the load. `count` includes points marked deleted.
 */
export async function readVerifiedIndex(path: string, manifest: IndexFileExpectation, allowReplaceDeleted = false): Promise<{ ok: true; hnsw: Hnsw } | { ok: false; reason: string }> {
  const name = basename(path);
  const pinned = `${path}.${process.pid}.${Date.now()}.${++pinCounter}.verify`;
  try {
    await link(path, pinned).catch(() => copyFile(path, pinned));
  } catch {
    return { ok: false, reason: `${name} is missing or unreadable` };
  }
  try {
    const size = (await stat(pinned)).size;
    if (size !== manifest.indexFile.size) return { ok: false, reason: `${name} has ${size} bytes, its manifest recorded ${manifest.indexFile.size} (damaged or replaced)` };
    if ((await sha256File(pinned)) !== manifest.indexFile.sha256) return { ok: false, reason: `${name} failed its checksum (sha256 differs from the manifest: damaged or replaced)` };
    // Belt and braces: the header must agree with the manifest (dimension, count, M), because
    // hnswlib loads a file of another dimension as garbage without complaint.
    const headerProblem = await checkIndexFileHeader(pinned, name, manifest);
    if (headerProblem) return { ok: false, reason: headerProblem };
    const hnsw = new HierarchicalNSW(manifest.space, manifest.dim);
    try {
      await hnsw.readIndex(pinned, allowReplaceDeleted);
    } catch (e) {
      // After a failed readIndex the native object is unusable; it is dropped with this scope.
      return { ok: false, reason: `${name} could not be read (${(e as Error).message})` };
    }
    if (hnsw.getCurrentCount() !== manifest.count) return { ok: false, reason: `${name} holds ${hnsw.getCurrentCount()} vectors, manifest says ${manifest.count}` };
    return { ok: true, hnsw };
  } finally {
    await rm(pinned, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Build

async function buildAndStore(opts: OpenOrBuildOptions, wanted: IndexIdentity): Promise<VectorIndex> {
  const started = performance.now();
  const hnsw = new HierarchicalNSW(wanted.space, wanted.dim);
  hnsw.initIndex(opts.chunks.length, wanted.M, wanted.efConstruction, wanted.seed);
  await addAllChunks(hnsw, opts);
  const built = { ...wanted, builtAt: new Date().toISOString(), buildSeconds: (performance.now() - started) / 1000 };
  const manifest = await storeIndex(opts.dir, hnsw, opts.chunks, built);
  return new HnswVectorIndex(hnsw, manifest, opts.chunks);
}

/** Embeds chunks batch by batch; every vector is checked before any of its batch reaches native code. */
async function addAllChunks(hnsw: Hnsw, opts: OpenOrBuildOptions): Promise<void> {
  const { chunks, embedder } = opts;
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer (got ${batchSize})`);
  for (let from = 0; from < chunks.length; from += batchSize) {
    const batch = chunks.slice(from, from + batchSize);
    const vectors = await embedder.embed(batch.map(chunkEmbeddingText));
    if (!Array.isArray(vectors) || vectors.length !== batch.length) {
      throw new Error(`embedder ${embedder.id} returned ${Array.isArray(vectors) ? vectors.length : 'no'} vectors for ${batch.length} texts`);
    }
    batch.forEach((chunk, i) => assertFiniteVector(vectors[i], embedder.dim, `embedding of chunk ${chunk.id} (${embedder.id})`));
    // addPoint wants a plain number[]; the label is the chunk's position in the list.
    vectors.forEach((v, i) => hnsw.addPoint(Array.from(v), from + i));
    opts.onProgress?.(Math.min(from + batchSize, chunks.length), chunks.length);
  }
}

/**
 * Writes the three files, each via temp file + rename. The old manifest goes first and the new one
 * comes last: until the manifest is back, the directory reads as "no index", so a crash midway
 * causes a rebuild instead of pairing an old manifest with a new index.bin.
 */
async function storeIndex(dir: string, hnsw: Hnsw, chunks: readonly Chunk[], built: Omit<IndexManifest, 'indexFile'>): Promise<IndexManifest> {
  await rm(join(dir, FILES.manifest), { force: true });
  const indexFile = await writeChunksAndIndex(dir, hnsw, chunks);
  const manifest: IndexManifest = { ...built, indexFile };
  await writeFileAtomic(join(dir, FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function writeChunksAndIndex(dir: string, hnsw: Hnsw, chunks: readonly Chunk[]): Promise<IndexManifest['indexFile']> {
  await writeFileAtomic(join(dir, FILES.chunks), JSON.stringify(chunks));
  return writeIndexFile(hnsw, join(dir, FILES.index));
}

/** Writes the index via temp file + rename; returns its size and sha256, taken from the temp file before the rename. */
export async function writeIndexFile(hnsw: Hnsw, path: string): Promise<IndexManifest['indexFile']> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await hnsw.writeIndex(tmp);
    const indexFile = { size: (await stat(tmp)).size, sha256: await sha256File(tmp) };
    await rename(tmp, path);
    return indexFile;
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Search

class HnswVectorIndex implements VectorIndex {
  private exact: InstanceType<typeof BruteforceSearch> | undefined;

  constructor(
    private readonly hnsw: Hnsw,
    readonly manifest: IndexManifest,
    readonly chunks: readonly Chunk[],
  ) {}

  get size(): number {
    return this.chunks.length;
  }

  search(query: Float32Array, k: number, opts: SearchOptions = {}): SearchHit[] {
    const q = this.checkQuery(query, k);
    const efSearch = opts.efSearch ?? DEFAULT_EF_SEARCH;
    if (!Number.isInteger(efSearch) || efSearch < 1) throw new Error(`efSearch must be a positive integer (got ${efSearch})`);
    // Everything that can throw in JS runs here, before native code: a throwing filter callback
    // inside searchKnn would abort the process.
    const allowed = opts.filter ? this.allowMask(opts.filter) : undefined;
    const eligible = allowed ? allowed.count : this.size;
    if (eligible === 0) return [];
    const kk = Math.min(k, eligible); // hnswlib throws for k > maxElements and returns short lists for k > eligible
    this.hnsw.setEf(Math.max(efSearch, kk));
    const mask = allowed?.mask;
    const result = mask && eligible < this.size ? this.hnsw.searchKnn(q, kk, (label) => mask[label] === 1) : this.hnsw.searchKnn(q, kk);
    return this.toHits(result);
  }

  exactSearch(query: Float32Array, k: number): SearchHit[] {
    const q = this.checkQuery(query, k);
    if (this.size === 0) return [];
    return this.toHits(this.exactIndex().searchKnn(q, Math.min(k, this.size)));
  }

  private checkQuery(query: Float32Array, k: number): number[] {
    if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer (got ${k})`);
    assertFiniteVector(query, this.manifest.dim, 'query vector');
    return Array.from(query);
  }

  /** Runs the user's filter over every chunk in JS; a throw becomes an ordinary Error here. */
  private allowMask(filter: (chunk: Chunk) => boolean): { mask: Uint8Array; count: number } {
    const mask = new Uint8Array(this.size);
    let count = 0;
    this.chunks.forEach((chunk, label) => {
      let ok: boolean;
      try {
        ok = filter(chunk) === true;
      } catch (e) {
        throw new Error(`search filter threw on chunk ${chunk.id}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
      }
      if (ok) {
        mask[label] = 1;
        count++;
      }
    });
    return { mask, count };
  }

  /** Best first; equal distances ordered by label so results are deterministic. */
  private toHits({ neighbors, distances }: { neighbors: number[]; distances: number[] }): SearchHit[] {
    return neighbors
      .map((label, i) => ({ label, distance: distances[i] }))
      .sort((a, b) => a.distance - b.distance || a.label - b.label)
      .map(({ label, distance }) => ({ chunk: this.chunks[label], distance }));
  }

  /** Brute-force twin of the HNSW index, built on first use from the vectors HNSW stores. */
  private exactIndex(): InstanceType<typeof BruteforceSearch> {
    if (!this.exact) {
      const exact = new BruteforceSearch(this.manifest.space, this.manifest.dim);
      exact.initIndex(this.size);
      for (let label = 0; label < this.size; label++) exact.addPoint(this.hnsw.getPoint(label), label);
      this.exact = exact;
    }
    return this.exact;
  }
}

/**
 * Mean recall@k of HNSW search (at `efSearch`) against exact search: the share of the true k
 * nearest chunks that HNSW also returns.
 */
export function measureRecall(index: VectorIndex, queries: Float32Array[], k: number, efSearch: number): number {
  if (queries.length === 0) throw new Error('measureRecall needs at least one query');
  let found = 0;
  let wanted = 0;
  for (const q of queries) {
    const truth = new Set(index.exactSearch(q, k).map((h) => h.chunk.id));
    const approx = index.search(q, k, { efSearch });
    found += approx.filter((h) => truth.has(h.chunk.id)).length;
    wanted += truth.size;
  }
  return wanted === 0 ? 1 : found / wanted;
}
