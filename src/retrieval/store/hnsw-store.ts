/**
 * The HNSW store: hnswlib-node in memory, persisted as index.bin + entries.json + manifest.json.
 * Removed chunks are marked deleted and their slots reused by later additions (hnswlib's
 * allowReplaceDeleted), so an incremental rebuild neither re-inserts kept chunks nor grows the
 * index without bound. Filters run as hnswlib's label callback over validated metadata, which
 * cannot throw (a throwing callback would abort the process).
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { sha256 } from '../../util/hash.js';
import { writeFileAtomic } from '../../util/fs.js';
import type { Chunk } from '../chunk.js';
import { assertFiniteVector } from '../embedding/validate.js';
import { DEFAULT_SEED, describeFieldChanges, HierarchicalNSW, type Hnsw, IndexFileSchema, readVerifiedIndex, writeIndexFile } from './hnsw-file.js';
import { checkIdentity, isVisible, type KeyedChunk, type OpenedStore, type StoreFilter, type StoreHit, type StoreOpenOptions, type StoreSettings, type VectorStore } from './types.js';

const FORMAT_VERSION = 1;
const FILES = { manifest: 'manifest.json', index: 'index.bin', entries: 'entries.json' } as const;
/** Initial capacity; the index grows by half (at least) when full. */
const MIN_CAPACITY = 1024;

const ManifestSchema = z.strictObject({
  formatVersion: z.literal(FORMAT_VERSION),
  embeddingModel: z.string(),
  dim: z.number().int().positive(),
  space: z.enum(['cosine', 'ip', 'l2']),
  M: z.number().int().positive(),
  efConstruction: z.number().int().positive(),
  seed: z.number().int(),
  /** Points in index.bin, those marked deleted included. */
  count: z.number().int().nonnegative(),
  indexFile: IndexFileSchema,
  entriesFile: IndexFileSchema,
});
type Manifest = z.infer<typeof ManifestSchema>;
type Identity = Omit<Manifest, 'count' | 'indexFile' | 'entriesFile'>;

const ChunkSchema = z.strictObject({
  id: z.string(),
  docId: z.string(),
  title: z.string(),
  text: z.string(),
  validFrom: z.string().optional(),
  validTo: z.string().optional(),
  index: z.number().int(),
  access: z.array(z.string()).optional(),
});
/** Live points: [label, content key, chunk]. */
const EntriesSchema = z.strictObject({ nextLabel: z.number().int().nonnegative(), entries: z.array(z.tuple([z.number().int().nonnegative(), z.string(), ChunkSchema])) });

const CHANGES: Array<[keyof Identity, string]> = [
  ['embeddingModel', 'embedding model changed'],
  ['dim', 'embedding dimension changed'],
  ['space', 'distance space changed'],
  ['M', 'M changed'],
  ['efConstruction', 'efConstruction changed'],
  ['seed', 'seed changed'],
  ['formatVersion', 'store format changed'],
];

export async function openHnswStore({ dir, identity, settings }: StoreOpenOptions): Promise<OpenedStore> {
  checkIdentity(identity);
  const wanted: Identity = { formatVersion: FORMAT_VERSION, ...identity, M: settings.M, efConstruction: settings.efConstruction, seed: DEFAULT_SEED };
  await mkdir(dir, { recursive: true });
  const loaded = await load(dir, wanted);
  if (loaded.ok) return { store: new HnswStore(dir, wanted, settings, loaded.hnsw, loaded.entries, loaded.nextLabel) };
  const hnsw = new HierarchicalNSW(wanted.space, wanted.dim);
  hnsw.initIndex(MIN_CAPACITY, wanted.M, wanted.efConstruction, wanted.seed, true);
  return { store: new HnswStore(dir, wanted, settings, hnsw, [], 0), reason: loaded.reason };
}

type Load = { ok: true; hnsw: Hnsw; entries: Array<[number, string, Chunk]>; nextLabel: number } | { ok: false; reason?: string };

async function load(dir: string, wanted: Identity): Promise<Load> {
  const text = await readFile(join(dir, FILES.manifest), 'utf8').catch(() => undefined);
  if (text === undefined) return { ok: false }; // first build, or a save interrupted
  let manifest: Manifest;
  try {
    manifest = ManifestSchema.parse(JSON.parse(text));
  } catch {
    return { ok: false, reason: `${FILES.manifest} is invalid` };
  }
  const changes = describeFieldChanges<Identity>(manifest, wanted, CHANGES);
  if (changes.length > 0) return { ok: false, reason: changes.join('; ') };
  const entriesText = await readFile(join(dir, FILES.entries), 'utf8').catch(() => undefined);
  if (entriesText === undefined || sha256(entriesText) !== manifest.entriesFile.sha256) return { ok: false, reason: `${FILES.entries} is missing or failed its checksum` };
  const entries = EntriesSchema.safeParse(JSON.parse(entriesText));
  if (!entries.success) return { ok: false, reason: `${FILES.entries} is invalid` };
  const read = await readVerifiedIndex(join(dir, FILES.index), manifest, true);
  if (!read.ok) return read;
  return { ok: true, hnsw: read.hnsw, entries: entries.data.entries, nextLabel: entries.data.nextLabel };
}

class HnswStore implements VectorStore {
  private readonly byLabel = new Map<number, KeyedChunk>();
  private readonly byKey = new Map<string, number>();

  constructor(
    private readonly dir: string,
    private readonly identity: Identity,
    /** Read at each search (efSearch), so a caller may tune it between searches. */
    private readonly settings: StoreSettings,
    private readonly hnsw: Hnsw,
    entries: ReadonlyArray<[number, string, Chunk]>,
    private nextLabel: number,
  ) {
    for (const [label, key, chunk] of entries) this.put(label, { key, chunk });
  }

  get size(): number {
    return this.byLabel.size;
  }

  keys(): ReadonlySet<string> {
    return new Set(this.byKey.keys());
  }

  async add(items: readonly KeyedChunk[], vectors: readonly Float32Array[]): Promise<void> {
    if (vectors.length !== items.length) throw new Error(`hnsw store: ${vectors.length} vectors for ${items.length} chunks`);
    // Everything is checked before the first point reaches native code.
    items.forEach((item, i) => {
      assertFiniteVector(vectors[i]!, this.identity.dim, `vector of chunk ${item.chunk.id}`);
      if (this.byKey.has(item.key)) throw new Error(`hnsw store: chunk ${item.chunk.id} is already stored`);
    });
    let free = this.hnsw.getCurrentCount() - this.byLabel.size; // deleted slots, reused first
    const needed = this.hnsw.getCurrentCount() + Math.max(0, items.length - free);
    const capacity = this.hnsw.getMaxElements();
    if (needed > capacity) this.hnsw.resizeIndex(Math.max(needed, Math.ceil(capacity * 1.5)));
    items.forEach((item, i) => {
      const label = this.nextLabel++;
      this.hnsw.addPoint(Array.from(vectors[i]!), label, free > 0);
      if (free > 0) free--;
      this.put(label, item);
    });
  }

  async remove(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const label = this.byKey.get(key);
      if (label === undefined) continue;
      this.hnsw.markDelete(label);
      this.byKey.delete(key);
      this.byLabel.delete(label);
    }
  }

  async search(vector: Float32Array, k: number, filter: StoreFilter = {}): Promise<StoreHit[]> {
    if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer (got ${k})`);
    assertFiniteVector(vector, this.identity.dim, 'query vector');
    if (this.size === 0) return [];
    const kk = Math.min(k, this.size); // hnswlib throws for k above its point count
    this.hnsw.setEf(Math.max(this.settings.efSearch, kk));
    const q = Array.from(vector);
    const filtered = filter.asOf !== undefined || filter.groups !== undefined;
    const { neighbors, distances } = filtered
      ? this.hnsw.searchKnn(q, kk, (label) => {
          const e = this.byLabel.get(label);
          return e !== undefined && isVisible(e.chunk, filter);
        })
      : this.hnsw.searchKnn(q, kk);
    // Best first; equal distances ordered by label so results are deterministic.
    return neighbors
      .map((label, i) => ({ label, distance: distances[i]! }))
      .sort((a, b) => a.distance - b.distance || a.label - b.label)
      .map(({ label, distance }) => ({ chunk: this.byLabel.get(label)!.chunk, distance }));
  }

  /** The manifest goes first and comes back last, so an interrupted save reads as "no store" (rebuilt), never as a mismatched pair. */
  async save(): Promise<void> {
    await rm(join(this.dir, FILES.manifest), { force: true });
    const entries = JSON.stringify({ nextLabel: this.nextLabel, entries: [...this.byLabel].map(([label, e]) => [label, e.key, e.chunk]) });
    await writeFileAtomic(join(this.dir, FILES.entries), entries);
    const indexFile = await writeIndexFile(this.hnsw, join(this.dir, FILES.index));
    const manifest: Manifest = { ...this.identity, count: this.hnsw.getCurrentCount(), indexFile, entriesFile: { size: Buffer.byteLength(entries), sha256: sha256(entries) } };
    await writeFileAtomic(join(this.dir, FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  async diskBytes(): Promise<number> {
    let total = 0;
    for (const name of Object.values(FILES)) total += await stat(join(this.dir, name)).then((s) => s.size, () => 0);
    return total;
  }

  async close(): Promise<void> {}

  private put(label: number, item: KeyedChunk) {
    this.byLabel.set(label, item);
    this.byKey.set(item.key, label);
  }
}
