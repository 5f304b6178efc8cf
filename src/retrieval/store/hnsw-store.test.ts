/**
 * What the HNSW store guarantees beyond the contract (store.test.ts): its files are verified
 * before hnswlib reads them (a damaged index.bin starts an empty store with a reason and is
 * rebuilt, never crashes the process), its own parameters (M, efConstruction) reset it, and
 * efSearch, read at each search, trades recall against exact search.
 */
import { mkdtemp, readdir, readFile, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../stats/rng.js';
import { type Chunk, chunkEmbeddingText } from '../chunk.js';
import type { Embedder } from '../embedding/types.js';
import { BruteforceSearch } from './hnsw-file.js';
import { keyChunks } from './content-key.js';
import { openHnswStore } from './hnsw-store.js';
import { syncStore } from './sync.js';
import type { StoreSettings, VectorStore } from './types.js';

const DIM = 32;
const chunking = { chunkSize: 12, chunkOverlap: 3 };
const settings: StoreSettings = { M: 8, efConstruction: 50, efSearch: 64, lancedb: { index: 'none', minRows: 10_000, nprobes: 4 } };

/** Deterministic stand-in for a text model: hashed bag of words, L2-normalized. */
function vectorOf(text: string, dim = DIM): Float32Array {
  const v = new Float32Array(dim);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let h = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193) >>> 0;
    v[h % dim]! += 1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}
const embedder = (dim = DIM): Embedder => ({ id: 'test:hash-bow', dim, embed: async (texts) => texts.map((t) => vectorOf(t, dim)) });

const topics = ['volcano lava eruption magma', 'railway train station platform', 'violin orchestra concert symphony', 'glacier ice melting arctic', 'satellite orbit launch rocket', 'bakery bread flour oven'];
const chunks: Chunk[] = topics.flatMap((t, d) => [0, 1, 2].map((i) => ({ id: `doc-${d}#${i}`, docId: `doc-${d}`, title: t.split(' ')[0]!, text: `${t} part ${i} ${t.split(' ')[i]}`, index: i })));
const keyed = keyChunks(chunks, 'test:hash-bow', chunking);

let dir: string;
let open: VectorStore[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragvft-hnsw-store-'));
  open = [];
});
afterEach(async () => {
  for (const s of open) await s.close();
  await rm(dir, { recursive: true, force: true });
});

async function openStore(over: { dim?: number; settings?: StoreSettings } = {}) {
  const opened = await openHnswStore({ dir, identity: { embeddingModel: 'test:hash-bow', dim: over.dim ?? DIM, space: 'cosine' }, settings: over.settings ?? settings });
  open.push(opened.store);
  return opened;
}
async function build() {
  const { store } = await openStore();
  await syncStore(store, keyed, embedder(), { batchSize: 4 });
  await store.close();
  open = [];
}
/** Every chunk is its own nearest neighbour. */
async function expectCorrect(store: VectorStore) {
  for (const c of chunks) expect((await store.search(vectorOf(chunkEmbeddingText(c)), 1))[0]!.chunk.id).toBe(c.id);
}
/** A store that started empty is rebuilt by the next sync, and reused as it is after that. */
async function expectRebuilt(store: VectorStore) {
  expect(store.size).toBe(0);
  expect((await syncStore(store, keyed, embedder(), { batchSize: 4 })).embedded).toBe(chunks.length);
  await expectCorrect(store);
  const again = await openStore();
  expect(again.reason).toBeUndefined();
  expect(again.store.size).toBe(chunks.length);
  await expectCorrect(again.store);
}

describe('index.bin is verified by its sha256 before hnswlib reads it', () => {
  /** hnswlib's layout: 96-byte header, then per element [link count u32, maxM0 ids u32][dim float32][label u64]. */
  async function layout() {
    const bytes = await readFile(join(dir, 'index.bin'));
    const u64 = (o: number) => Number(bytes.readBigUInt64LE(o));
    return { bytes, count: u64(16), perElement: u64(24), labelOffset: u64(32), dataOffset: u64(40) };
  }
  type Layout = Awaited<ReturnType<typeof layout>>;
  /** Rewrites index.bin in place (same size) and, like `cp -p` or `touch -r`, restores its mtime. */
  async function damage(mutate: (l: Layout) => void) {
    const path = join(dir, 'index.bin');
    const before = await stat(path);
    const l = await layout();
    expect(l.count).toBe(chunks.length);
    mutate(l);
    await writeFile(path, l.bytes);
    await utimes(path, before.atime, before.mtime);
    expect((await stat(path)).size).toBe(before.size);
  }
  const each = (l: Layout, fn: (at: number) => void) => {
    for (let i = 0; i < l.count; i++) fn(96 + i * l.perElement);
  };
  // prettier-ignore
  const cases: Array<[string, (l: Layout) => void]> = [
    ['NaN-filled vectors', (l) => each(l, (at) => { for (let o = l.dataOffset; o < l.labelOffset; o += 4) l.bytes.writeFloatLE(Number.NaN, at + o); })],
    ['emptied neighbour lists', (l) => each(l, (at) => l.bytes.writeUInt32LE(0, at))],
    ['out-of-range neighbour ids', (l) => each(l, (at) => { for (let o = 4; o < l.dataOffset; o += 4) l.bytes.writeUInt32LE(0xfffffff0, at + o); })],
    ['random bytes after the header', (l) => { const r = mulberry32(9); for (let o = 96; o < l.bytes.length; o++) l.bytes[o] = Math.floor(r() * 256); }],
    ['two vectors swapped', (l) => { const a = 96 + l.dataOffset; const b = 96 + l.perElement + l.dataOffset; const n = l.labelOffset - l.dataOffset; const tmp = Buffer.from(l.bytes.subarray(a, a + n)); l.bytes.copy(l.bytes, a, b, b + n); tmp.copy(l.bytes, b); }],
  ];
  it.each(cases)('%s (size and mtime kept): starts empty with a reason, rebuilt, no crash', async (_name, mutate) => {
    await build();
    await damage(mutate);
    const { store, reason } = await openStore();
    expect(reason).toMatch(/index.bin failed its checksum/);
    await expectRebuilt(store);
  });

  const harms: Array<[string, () => Promise<unknown>, RegExp | undefined]> = [
    ['the manifest is missing (an interrupted save)', () => rm(join(dir, 'manifest.json')), undefined],
    ['the manifest is not JSON', () => writeFile(join(dir, 'manifest.json'), '{"formatVersion": 1, "dim'), /manifest.json is invalid/],
    ['index.bin is missing', () => rm(join(dir, 'index.bin')), /index.bin is missing/],
    ['index.bin is truncated', () => truncate(join(dir, 'index.bin'), 500), /index.bin has 500 bytes, its manifest recorded/],
    ['entries.json is edited', async () => writeFile(join(dir, 'entries.json'), (await readFile(join(dir, 'entries.json'), 'utf8')).replace('volcano', 'volcanO')), /entries.json is missing or failed its checksum/],
  ];
  it.each(harms)('%s: starts empty, rebuilt', async (_name, harm, why) => {
    await build();
    await harm();
    const { store, reason } = await openStore();
    if (why) expect(reason).toMatch(why);
    else expect(reason).toBeUndefined();
    await expectRebuilt(store);
  });

  it("checks index.bin's header too: a manifest that lies about the dimension does not get a 32-d file read as 16-d", async () => {
    await build();
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...m, dim: 16 }));
    const { store, reason } = await openStore({ dim: 16 });
    expect(reason).toMatch(/index.bin holds 32-dimensional vectors but the manifest says 16/);
    expect(store.size).toBe(0);
  });

  it('leaves no pinned copy of index.bin behind', async () => {
    await build();
    await openStore();
    expect((await readdir(dir)).sort()).toEqual(['entries.json', 'index.bin', 'manifest.json']);
  });
});

it.each([
  ['M', { ...settings, M: 12 }, /M changed \(8 -> 12\)/],
  ['efConstruction', { ...settings, efConstruction: 80 }, /efConstruction changed \(50 -> 80\)/],
] as const)('starts empty, saying why, when %s changed', async (_name, changed, why) => {
  await build();
  const { store, reason } = await openStore({ settings: changed });
  expect(reason).toMatch(why);
  expect(store.size).toBe(0);
});

it('honours efSearch at each search: recall@10 vs exact >= 0.9 at 64 on 2,000 random vectors, 1 when exhaustive', async () => {
  const rand = mulberry32(42);
  const randomVector = () => Float32Array.from({ length: DIM }, () => rand() * 2 - 1);
  const table = Array.from({ length: 2000 }, randomVector);
  const queries = Array.from({ length: 100 }, randomVector);
  // Each chunk's text names its row in the table; the embedder looks the vector up.
  const lookup: Embedder = { id: 'test:hash-bow', dim: DIM, embed: async (texts) => texts.map((t) => table[Number(/v(\d+)$/.exec(t)![1])]!) };
  const rows: Chunk[] = table.map((_, i) => ({ id: `r#${i}`, docId: 'r', title: 'random', text: `v${i}`, index: i }));
  const tuned = { ...settings, M: 16, efConstruction: 200 };
  const { store } = await openStore({ settings: tuned });
  await syncStore(store, keyChunks(rows, lookup.id, chunking), lookup, { batchSize: 500 });
  const exact = new BruteforceSearch('cosine', DIM);
  exact.initIndex(table.length);
  table.forEach((v, i) => exact.addPoint(Array.from(v), i));
  const recallAt = async (ef: number) => {
    tuned.efSearch = ef;
    let found = 0;
    for (const q of queries) {
      const truth = new Set(exact.searchKnn(Array.from(q), 10).neighbors.map((i) => `r#${i}`));
      found += (await store.search(q, 10)).filter((h) => truth.has(h.chunk.id)).length;
    }
    return found / (10 * queries.length);
  };
  const at64 = await recallAt(64);
  expect(at64).toBeGreaterThanOrEqual(0.9);
  expect(await recallAt(2000)).toBe(1);
  expect(await recallAt(1)).toBeLessThan(at64); // raised to k = 10 only, so it is read, not fixed
});
