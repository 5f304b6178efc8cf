/**
 * The contract every vector store keeps, run against each registered store: the same suite for
 * HNSW and LanceDB. LanceDB is an optional dependency that npm installs on Node >= 22 only: where
 * it does not load, its suite is skipped with the reason in its name; in CI on Node >= 22 that
 * fails instead, so CI cannot pass without running it for real.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCI } from '../../run/progress.js';
import { type Chunk, chunkEmbeddingText } from '../chunk.js';
import type { Embedder } from '../embedding/types.js';
import { keyChunks } from './content-key.js';
import { VECTOR_STORE_IDS, VECTOR_STORES, type VectorStoreId } from './registry.js';
import { syncStore } from './sync.js';
import type { StoreIdentity, StoreSettings, VectorStore } from './types.js';

const DIM = 8;
const chunking = { chunkSize: 50, chunkOverlap: 5 };

/** Each text's vector: a one-hot direction per topic word, plus a little of the chunk's number. */
const TOPICS = ['harbour', 'mayor', 'river', 'bridge', 'school', 'museum', 'stadium', 'library'];
function vectorOf(text: string): Float32Array {
  const v = new Float32Array(DIM);
  TOPICS.forEach((t, i) => (v[i] = text.includes(t) ? 1 : 0.01 * ((text.length * (i + 3)) % 7)));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** Counts the texts it embeds, so a rebuild can be shown to embed only new chunks. */
function countingEmbedder(id = 'test:topics') {
  const embedded: string[] = [];
  const embedder: Embedder = { id, dim: DIM, embed: async (texts) => (embedded.push(...texts), texts.map(vectorOf)) };
  return { embedder, embedded };
}

const chunk = (docId: string, text: string, extra: Partial<Chunk> = {}): Chunk => ({ id: `${docId}#0`, docId, title: docId, text, index: 0, ...extra });

const CHUNKS: Chunk[] = [
  chunk('harbour', 'the harbour opened in 1850'),
  chunk('mayor-v1', 'the mayor is Alice', { validFrom: '2010-01-01', validTo: '2020-01-01' }),
  chunk('mayor-v2', 'the mayor is Bob', { validFrom: '2020-01-01' }),
  chunk('river', 'the river floods in spring'),
  chunk('bridge', 'the bridge budget is secret', { access: ['finance'] }),
  chunk('school', 'the school merger plan', { access: ['board', 'hr'] }),
  chunk('museum', 'the museum has twelve rooms'),
];
const query = (topic: string) => vectorOf(`the ${topic}`);
const ids = (hits: { chunk: Chunk }[]) => hits.map((h) => h.chunk.docId);

const settings: StoreSettings = { M: 8, efConstruction: 50, efSearch: 32, lancedb: { index: 'none', minRows: 10_000, nprobes: 4 } };
const identity = (embeddingModel = 'test:topics'): StoreIdentity => ({ embeddingModel, dim: DIM, space: 'cosine' });

const reasons = new Map<VectorStoreId, string | null>();
for (const id of VECTOR_STORE_IDS) reasons.set(id, await VECTOR_STORES[id].unavailable());
const mustRun = isCI() && Number(process.versions.node.split('.')[0]) >= 22;
for (const [id, reason] of reasons) if (reason !== null) console.warn(`${id} store tests skipped: ${reason}`);

describe.each(VECTOR_STORE_IDS.map((id) => [id, reasons.get(id)] as const))('%s store', (id, reason) => {
  if (reason !== null && mustRun) {
    it(`loads in CI on Node >= 22`, () => expect.fail(reason));
    return;
  }
  const def = VECTOR_STORES[id];
  let dir: string;
  let open: VectorStore[];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), `ragvft-store-${id}-`));
    open = [];
  });
  afterEach(async () => {
    for (const s of open) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function openStore(model?: string, s: StoreSettings = settings) {
    const opened = await def.open({ dir: join(dir, 'store'), identity: identity(model), settings: s });
    open.push(opened.store);
    return opened;
  }
  async function filled(chunks = CHUNKS) {
    const { store } = await openStore();
    const { embedder } = countingEmbedder();
    await syncStore(store, keyChunks(chunks, embedder.id, chunking), embedder, { batchSize: 3 });
    return store;
  }

  it.skipIf(reason !== null)(`adds and finds the nearest chunks, best first${reason ? ` (skipped: ${reason})` : ''}`, async () => {
    const store = await filled();
    expect(store.size).toBe(CHUNKS.length);
    const hits = await store.search(query('river'), 3);
    expect(hits[0]!.chunk).toEqual(CHUNKS[3]);
    expect(hits.map((h) => h.distance)).toEqual([...hits.map((h) => h.distance)].sort((a, b) => a - b));
    expect(await store.search(query('river'), 50)).toHaveLength(CHUNKS.length);
  });

  it.skipIf(reason !== null)('filters by date: only versions valid on asOf (validFrom <= asOf < validTo)', async () => {
    const store = await filled();
    const mayor = async (asOf: string) => ids(await store.search(query('mayor'), 10, { asOf })).filter((d) => d.startsWith('mayor'));
    expect(await mayor('2015-06-01')).toEqual(['mayor-v1']);
    expect(await mayor('2020-01-01')).toEqual(['mayor-v2']);
    expect(await mayor('2009-12-31')).toEqual([]);
    expect(ids(await store.search(query('mayor'), 2))).toEqual(expect.arrayContaining(['mayor-v1', 'mayor-v2']));
  });

  it.skipIf(reason !== null)('filters by groups: public chunks for all, restricted ones only to a group on their list', async () => {
    const store = await filled();
    const all = (f?: { groups?: string[] }) => store.search(query('bridge'), 10, f).then(ids);
    expect(await all()).toContain('bridge'); // no groups: everything
    expect(await all({ groups: [] })).not.toContain('bridge');
    expect(await all({ groups: ['hr'] })).not.toContain('bridge');
    expect(await all({ groups: ['hr'] })).toContain('school');
    expect(await all({ groups: ['sales', 'finance'] })).toContain('bridge');
    const publicOnly = await all({ groups: [] });
    expect(publicOnly).toHaveLength(CHUNKS.length - 2);
    // k visible chunks come back even when the nearest ones are hidden.
    expect(await store.search(query('bridge'), 3, { groups: ['nobody'], asOf: '2021-01-01' }).then(ids)).toHaveLength(3);
  });

  it.skipIf(reason !== null)('removes chunks by key', async () => {
    const { store } = await openStore();
    const { embedder } = countingEmbedder();
    const keyed = keyChunks(CHUNKS, embedder.id, chunking);
    await syncStore(store, keyed, embedder, { batchSize: 10 });
    await store.remove([keyed[3]!.key, 'no-such-key']);
    expect(store.size).toBe(CHUNKS.length - 1);
    expect(store.keys().has(keyed[3]!.key)).toBe(false);
    expect(ids(await store.search(query('river'), 10))).not.toContain('river');
  });

  it.skipIf(reason !== null)('persists: a reopened store has the same keys and answers the same', async () => {
    const store = await filled();
    const before = await store.search(query('museum'), 4, { asOf: '2021-01-01' });
    const keys = [...store.keys()].sort();
    await store.close();
    open = [];
    const { store: again, reason: why } = await openStore();
    expect(why).toBeUndefined();
    expect([...again.keys()].sort()).toEqual(keys);
    expect((await again.search(query('museum'), 4, { asOf: '2021-01-01' })).map((h) => h.chunk)).toEqual(before.map((h) => h.chunk));
    // Nothing changed: the reopened store is reused as it is.
    const { embedder, embedded } = countingEmbedder();
    expect(await syncStore(again, keyChunks(CHUNKS, embedder.id, chunking), embedder, { batchSize: 3 })).toEqual({ reused: CHUNKS.length, embedded: 0, removed: 0 });
    expect(embedded).toEqual([]);
  });

  it.skipIf(reason !== null)('rebuilds by content key: embeds only new chunks, removes vanished ones, keeps the rest', async () => {
    await filled();
    for (const s of open) await s.close();
    open = [];
    const harbour = { ...CHUNKS[0]!, text: 'the harbour opened in 1851' };
    const stadium = chunk('stadium', 'the stadium seats 9000');
    // river vanished, harbour's text changed (old chunk out, new one in), stadium is new.
    const wanted = [...CHUNKS.filter((c) => c.docId !== 'river' && c.docId !== 'harbour'), harbour, stadium];
    const { store } = await openStore();
    const { embedder, embedded } = countingEmbedder();
    const counts = await syncStore(store, keyChunks(wanted, embedder.id, chunking), embedder, { batchSize: 2 });
    expect(embedded.sort()).toEqual([harbour, stadium].map(chunkEmbeddingText).sort());
    expect(counts).toEqual({ reused: CHUNKS.length - 2, embedded: 2, removed: 2 });
    expect(store.size).toBe(wanted.length);
    expect(ids(await store.search(query('river'), 10))).not.toContain('river');
    expect((await store.search(query('harbour'), 1))[0]!.chunk.text).toBe('the harbour opened in 1851');
    // Nothing changed: nothing embedded, nothing removed.
    const again = await syncStore(store, keyChunks(wanted, embedder.id, chunking), embedder, { batchSize: 2 });
    expect(again).toEqual({ reused: wanted.length, embedded: 0, removed: 0 });
  });

  it.skipIf(reason !== null)('starts empty, saying why, when the embedding model changed', async () => {
    const store = await filled();
    await store.close();
    open = [];
    const { store: other, reason: why } = await openStore('test:other-model');
    expect(other.size).toBe(0);
    expect(why).toMatch(/embedding model changed \(test:topics -> test:other-model\)/);
  });

  it.skipIf(reason !== null)('starts empty, saying why, when the embedding dimension changed', async () => {
    await filled();
    for (const s of open) await s.close();
    open = [];
    const opened = await def.open({ dir: join(dir, 'store'), identity: { ...identity(), dim: DIM / 2 }, settings });
    open.push(opened.store);
    expect(opened.store.size).toBe(0);
    expect(opened.reason).toMatch(/embedding dimension changed \(8 -> 4\)/);
    await expect(opened.store.search(query('river'), 1)).rejects.toThrow(/expected 4 dimensions, got 8/);
  });

  it.skipIf(reason !== null)('refuses an embedding dimension that is not a positive integer before native code sees it', async () => {
    for (const dim of [0, -1, 1.5, Number.NaN]) {
      await expect(def.open({ dir: join(dir, 'store'), identity: { ...identity(), dim }, settings })).rejects.toThrow(/embedding dimension must be a positive integer/);
    }
  });

  it.skipIf(reason !== null)('re-embeds everything and drops the old entries when the chunking changed', async () => {
    await filled();
    for (const s of open) await s.close();
    open = [];
    const { store } = await openStore();
    const { embedder, embedded } = countingEmbedder();
    const counts = await syncStore(store, keyChunks(CHUNKS, embedder.id, { chunkSize: 80, chunkOverlap: 10 }), embedder, { batchSize: 4 });
    expect(counts).toEqual({ reused: 0, embedded: CHUNKS.length, removed: CHUNKS.length });
    expect(embedded).toHaveLength(CHUNKS.length);
    expect(store.size).toBe(CHUNKS.length);
  });

  it.skipIf(reason !== null)('an empty corpus: an empty store that finds nothing; a corpus emptied later stays empty when reopened', async () => {
    const { store } = await openStore();
    const { embedder, embedded } = countingEmbedder();
    expect(await syncStore(store, [], embedder, { batchSize: 3 })).toEqual({ reused: 0, embedded: 0, removed: 0 });
    expect(embedded).toEqual([]);
    expect(await store.search(query('river'), 5)).toEqual([]);
    await syncStore(store, keyChunks(CHUNKS, embedder.id, chunking), embedder, { batchSize: 3 });
    expect(await syncStore(store, [], embedder, { batchSize: 3 })).toEqual({ reused: 0, embedded: 0, removed: CHUNKS.length });
    expect(await store.search(query('river'), 5, { groups: [] })).toEqual([]);
    await store.close();
    open = [];
    const { store: again, reason: why } = await openStore();
    expect(why).toBeUndefined();
    expect(again.size).toBe(0);
    expect(await again.search(query('river'), 5)).toEqual([]);
  });

  describe('bad vectors from the embedder throw (never abort the process) and leave the stored chunks as they were', () => {
    const extra = chunk('library', 'the library opens at nine');
    /** Embeds normally, except the library chunk gets `bad(vector)`. */
    const faulty = (bad: (v: Float32Array) => Float32Array): Embedder => ({ id: 'test:topics', dim: DIM, embed: async (texts) => texts.map((t) => (t.includes('library') ? bad(vectorOf(t)) : vectorOf(t))) });
    const cases: Array<[string, Embedder, RegExp]> = [
      ['NaN', faulty((v) => v.map((x, i) => (i === 3 ? Number.NaN : x))), /embedding of chunk library#0 .*element 3 is not a finite number/],
      ['Infinity', faulty((v) => v.map((x, i) => (i === 0 ? Number.POSITIVE_INFINITY : x))), /element 0 is not a finite number/],
      ['a vector of the wrong dimension', faulty((v) => v.subarray(0, DIM - 1)), /expected 8 dimensions, got 7/],
      ['a wrong number of vectors', { id: 'test:topics', dim: DIM, embed: async (texts) => texts.slice(1).map(vectorOf) }, /returned 1 vectors for 2 texts/],
    ];
    it.skipIf(reason !== null).each(cases)('%s', async (_name, embedder, message) => {
      const store = await filled();
      const keys = [...store.keys()].sort();
      const grown = keyChunks([...CHUNKS, extra, chunk('stadium', 'the stadium seats 9000')], embedder.id, chunking);
      await expect(syncStore(store, grown, embedder, { batchSize: 2 })).rejects.toThrow(message);
      expect([...store.keys()].filter((k) => keys.includes(k)).sort()).toEqual(keys);
      expect((await store.search(query('river'), 1))[0]!.chunk.docId).toBe('river');
      await store.close();
      open = [];
      // The store on disk holds the chunks it held (and at most whole, checked batches beside them).
      const { store: again } = await openStore();
      const { embedder: good, embedded } = countingEmbedder();
      expect((await syncStore(again, keyChunks(CHUNKS, good.id, chunking), good, { batchSize: 3 })).embedded).toBe(0);
      expect(embedded).toEqual([]);
    });
  });

  it.skipIf(reason !== null)('refuses bad vectors and queries with an error (never a crash)', async () => {
    const store = await filled();
    const [item] = keyChunks([chunk('x', 'the library')], 'test:topics', chunking);
    await expect(store.add([item!], [new Float32Array(DIM).fill(Number.NaN)])).rejects.toThrow(/not a finite number/);
    await expect(store.add([item!], [new Float32Array(DIM).fill(Number.NEGATIVE_INFINITY)])).rejects.toThrow(/not a finite number/);
    await expect(store.add([item!], [new Float32Array(DIM - 1)])).rejects.toThrow(/expected 8 dimensions/);
    await expect(store.add([item!], [])).rejects.toThrow(/0 vectors for 1 chunks/);
    await expect(store.search(new Float32Array(3), 2)).rejects.toThrow(/expected 8 dimensions/);
    await expect(store.search(query('river'), 0)).rejects.toThrow(/positive integer/);
    expect(store.size).toBe(CHUNKS.length);
  });
});
