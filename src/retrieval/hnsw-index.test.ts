import { mkdtemp, readdir, readFile, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Document } from '../dataset/schema.js';
import { type Chunk, chunkDocuments, chunkEmbeddingText } from './chunk.js';
import type { Embedder } from './embedding/types.js';
import { type IndexManifest, measureRecall, type OpenOrBuildOptions, openOrBuildIndex, type VectorIndex } from './hnsw-index.js';

/** Deterministic stand-in for a text model: hashed bag of words, L2-normalized. Counts embed calls. */
class HashEmbedder implements Embedder {
  calls = 0;
  constructor(
    readonly id = 'test:hash-bow',
    readonly dim = 32,
  ) {}
  async embed(texts: string[]): Promise<Float32Array[]> {
    this.calls++;
    return texts.map((t) => this.vector(t));
  }
  vector(text: string): Float32Array {
    const v = new Float32Array(this.dim);
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) v[fnv1a(word) % this.dim] += 1;
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Small seeded PRNG, so the "random" vectors are the same on every run. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const topics = ['volcano lava eruption magma', 'railway train station platform', 'violin orchestra concert symphony', 'glacier ice melting arctic', 'satellite orbit launch rocket', 'bakery bread flour oven'];
const docs: Document[] = topics.map((t, i) => ({
  id: `doc-${i}`,
  title: t.split(' ')[0],
  text: `${t} ${t}. The ${t.split(' ')[1]} is described here. More about ${t} and its history.`,
  validFrom: '2020-01-01',
}));
const chunking = { chunkSize: 12, chunkOverlap: 3 };
const chunks = chunkDocuments(docs, chunking);

let root: string;
let dir: string;
let n = 0;
beforeEach(async () => {
  root ??= await mkdtemp(join(tmpdir(), 'ragvft-hnsw-'));
  dir = join(root, `idx-${n++}`);
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

function options(over: Partial<OpenOrBuildOptions> = {}): OpenOrBuildOptions {
  return { dir, embedder: new HashEmbedder(), chunks, corpusHash: 'corpus-1', chunking, space: 'cosine', M: 8, efConstruction: 50, ...over };
}

const ids = (hits: { chunk: Chunk }[]) => hits.map((h) => h.chunk.id);
const readManifest = async (d = dir): Promise<IndexManifest> => JSON.parse(await readFile(join(d, 'manifest.json'), 'utf8'));

describe('openOrBuildIndex: build', () => {
  it('embeds in batches, stores three files, and finds a chunk from its own text', async () => {
    const embedder = new HashEmbedder();
    const progress: Array<[number, number]> = [];
    const { index, reused, reason } = await openOrBuildIndex(options({ embedder, batchSize: 4, onProgress: (d, t) => progress.push([d, t]) }));
    expect(reused).toBe(false);
    expect(reason).toMatch(/no readable manifest/);
    expect(index.size).toBe(chunks.length);
    expect(embedder.calls).toBe(Math.ceil(chunks.length / 4));
    expect(progress.at(-1)).toEqual([chunks.length, chunks.length]);
    expect((await readdir(dir)).sort()).toEqual(['chunks.json', 'index.bin', 'manifest.json']); // no temp files left
    expect(await readManifest()).toMatchObject({ formatVersion: 2, indexFile: { size: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }, embeddingModel: 'test:hash-bow', dim: 32, space: 'cosine', M: 8, efConstruction: 50, corpusHash: 'corpus-1', chunking, count: chunks.length, seed: 100 });

    for (const chunk of chunks) {
      const [best] = index.search(embedder.vector(chunkEmbeddingText(chunk)), 3);
      expect(best.chunk.id).toBe(chunk.id);
      expect(best.distance).toBeCloseTo(0, 5);
    }
  });

  it('returns hits best first', async () => {
    const { index } = await openOrBuildIndex(options());
    const hits = index.search(new HashEmbedder().vector('orchestra violin'), chunks.length);
    expect(hits).toHaveLength(chunks.length);
    expect(hits.map((h) => h.distance)).toEqual([...hits.map((h) => h.distance)].sort((a, b) => a - b));
    expect(hits[0].chunk.docId).toBe('doc-2');
  });
});

describe('openOrBuildIndex: reuse', () => {
  it('reuses a stored index without embedding, with the same search results', async () => {
    const first = await openOrBuildIndex(options());
    const embedder = new HashEmbedder();
    const second = await openOrBuildIndex(options({ embedder }));
    expect(second.reused).toBe(true);
    expect(second.reason).toBeUndefined();
    expect(embedder.calls).toBe(0);
    expect(second.index.manifest).toEqual(first.index.manifest);
    expect(second.index.chunks).toEqual(chunks);
    for (const q of ['lava magma', 'train platform', 'bread oven history']) {
      const v = embedder.vector(q);
      expect(second.index.search(v, 5)).toEqual(first.index.search(v, 5));
    }
  });

  const changes: Array<[string, () => Partial<OpenOrBuildOptions>, RegExp]> = [
    ['embedding model', () => ({ embedder: new HashEmbedder('test:other-model') }), /embedding model changed \(test:hash-bow -> test:other-model\)/],
    ['corpus hash', () => ({ corpusHash: 'corpus-2' }), /corpus changed/],
    ['chunking', () => ({ chunking: { chunkSize: 8, chunkOverlap: 2 }, chunks: chunkDocuments(docs, { chunkSize: 8, chunkOverlap: 2 }) }), /chunking changed/],
    ['space', () => ({ space: 'l2' }), /distance space changed/],
    ['M', () => ({ M: 12 }), /M changed/],
    ['efConstruction', () => ({ efConstruction: 80 }), /efConstruction changed/],
    ['seed', () => ({ seed: 7 }), /seed changed/],
    ['chunk list', () => ({ chunks: chunks.map((c, i) => (i === 0 ? { ...c, text: `${c.text} edited` } : c)) }), /chunk list differs/],
  ];
  it.each(changes)('rebuilds when the %s changes, then reuses the new index', async (_name, change, reason) => {
    await openOrBuildIndex(options());
    const rebuilt = await openOrBuildIndex(options(change()));
    expect(rebuilt.reused).toBe(false);
    expect(rebuilt.reason).toMatch(reason);
    expect((await openOrBuildIndex(options(change()))).reused).toBe(true);
  });

  it('rebuilds for an embedder of another dimension instead of loading the old file', async () => {
    await openOrBuildIndex(options());
    const small = new HashEmbedder('test:hash-bow', 16);
    const { index, reused, reason } = await openOrBuildIndex(options({ embedder: small }));
    expect(reused).toBe(false);
    expect(reason).toMatch(/embedding dimension changed \(32 -> 16\)/);
    expect(index.manifest.dim).toBe(16);
    const [best] = index.search(small.vector(chunkEmbeddingText(chunks[5])), 1);
    expect(best.chunk.id).toBe(chunks[5].id);
    expect(() => index.search(new HashEmbedder().vector('lava'), 1)).toThrow(/expected 16 dimensions, got 32/);
  });

  it('checks index.bin itself: a manifest that lies about the dimension does not get a 32-dim file loaded as 16-dim', async () => {
    await openOrBuildIndex(options());
    const m = await readManifest();
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...m, dim: 16 }));
    const { reused, reason } = await openOrBuildIndex(options({ embedder: new HashEmbedder('test:hash-bow', 16) }));
    expect(reused).toBe(false);
    expect(reason).toMatch(/index.bin holds 32-dimensional vectors but the manifest says 16/);
  });

  const damage: Array<[string, () => Promise<void>, RegExp]> = [
    ['the manifest is missing', () => rm(join(dir, 'manifest.json')), /no readable manifest/],
    ['the manifest is not JSON', () => writeFile(join(dir, 'manifest.json'), '{"formatVersion": 1, "dim'), /no readable manifest/],
    ['the manifest lacks fields', () => writeFile(join(dir, 'manifest.json'), '{"formatVersion": 1}'), /manifest invalid/],
    ['the manifest has another format version', async () => writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...(await readManifest()), formatVersion: 1 })), /manifest invalid \(formatVersion/],
    ['index.bin is missing', () => rm(join(dir, 'index.bin')), /index.bin is missing/],
    ['index.bin is truncated', () => truncate(join(dir, 'index.bin'), 500), /index.bin has 500 bytes, its manifest recorded/],
    ['index.bin is cut after the vectors', async () => truncate(join(dir, 'index.bin'), (await readFile(join(dir, 'index.bin'))).length - 2), /index.bin has \d+ bytes/],
    ['chunks.json is missing', () => rm(join(dir, 'chunks.json')), /chunks.json is missing/],
  ];
  it.each(damage)('rebuilds when %s', async (_name, harm, reason) => {
    await openOrBuildIndex(options());
    await harm();
    const { index, reused, reason: why } = await openOrBuildIndex(options());
    expect(reused).toBe(false);
    expect(why).toMatch(reason);
    expect(index.search(new HashEmbedder().vector('glacier ice'), 1)[0].chunk.docId).toBe('doc-3');
    expect((await openOrBuildIndex(options())).reused).toBe(true);
  });
});

it('handles an empty chunk list: an empty index that finds nothing, reused next time', async () => {
  const empty = await openOrBuildIndex(options({ chunks: [] }));
  expect(empty.index.size).toBe(0);
  expect(empty.index.search(new HashEmbedder().vector('lava'), 5)).toEqual([]);
  expect((await openOrBuildIndex(options({ chunks: [] }))).reused).toBe(true);
});

describe('openOrBuildIndex: bad vectors from the embedder throw instead of aborting the process', () => {
  /** Embeds normally, except texts containing "magma" get `bad(vector)`. */
  const faulty = (bad: (v: Float32Array) => Float32Array): Embedder => {
    const inner = new HashEmbedder();
    return { id: inner.id, dim: inner.dim, embed: async (texts) => texts.map((t) => (t.includes('magma') ? bad(inner.vector(t)) : inner.vector(t))) };
  };

  it('rejects NaN', async () => {
    await expect(openOrBuildIndex(options({ embedder: faulty((v) => v.map((x, i) => (i === 3 ? NaN : x))) }))).rejects.toThrow(/embedding of chunk doc-0#0.*element 3 is not a finite number/);
  });

  it('rejects Infinity', async () => {
    await expect(openOrBuildIndex(options({ embedder: faulty((v) => v.map((x, i) => (i === 0 ? Infinity : x))) }))).rejects.toThrow(/not a finite number/);
  });

  it('rejects a vector of the wrong length', async () => {
    await expect(openOrBuildIndex(options({ embedder: faulty((v) => v.subarray(0, 31)) }))).rejects.toThrow(/expected 32 dimensions, got 31/);
  });

  it('rejects a wrong number of vectors', async () => {
    const short: Embedder = { id: 'test:short', dim: 32, embed: async (texts) => texts.slice(1).map(() => new Float32Array(32)) };
    await expect(openOrBuildIndex(options({ embedder: short, batchSize: 5 }))).rejects.toThrow(/returned 4 vectors for 5 texts/);
  });

  it('keeps the previous index when a rebuild fails', async () => {
    await openOrBuildIndex(options());
    await expect(openOrBuildIndex(options({ corpusHash: 'corpus-2', embedder: faulty(() => new Float32Array(32).fill(NaN)) }))).rejects.toThrow(/not a finite number/);
    expect((await openOrBuildIndex(options())).reused).toBe(true);
  });
});

describe('VectorIndex.search', () => {
  let index: VectorIndex;
  const embedder = new HashEmbedder();
  beforeEach(async () => {
    index ??= (await openOrBuildIndex(options())).index;
  });

  it('rejects bad queries and k with an Error', () => {
    const good = embedder.vector('lava');
    expect(() => index.search(good.map((x, i) => (i === 1 ? NaN : x)), 3)).toThrow(/query vector: element 1 is not a finite number/);
    expect(() => index.search(new Float32Array(31), 3)).toThrow(/query vector: expected 32 dimensions, got 31/);
    expect(() => index.search(good, 0)).toThrow(/k must be a positive integer/);
    expect(() => index.search(good, 3, { efSearch: 0 })).toThrow(/efSearch must be a positive integer/);
  });

  it('turns a throwing filter into an Error before native code runs, and keeps working', () => {
    const q = embedder.vector('train station');
    expect(() =>
      index.search(q, 3, {
        filter: (c) => {
          if (c.docId === 'doc-4') throw new Error('boom');
          return true;
        },
      }),
    ).toThrow(/search filter threw on chunk doc-4#0: boom/);
    expect(index.search(q, 1)[0].chunk.docId).toBe('doc-1');
  });

  it('returns only allowed chunks, and all of them when k exceeds their number', () => {
    const allowed = chunks.filter((c) => c.docId === 'doc-0');
    expect(allowed.length).toBeGreaterThan(1);
    const hits = index.search(embedder.vector('orchestra'), 50, { filter: (c) => c.docId === 'doc-0' });
    expect(ids(hits).sort()).toEqual(allowed.map((c) => c.id).sort());
  });

  it('clamps k to the index size and returns nothing when no chunk is allowed', () => {
    expect(index.search(embedder.vector('rocket'), 1000)).toHaveLength(chunks.length);
    expect(index.search(embedder.vector('rocket'), 5, { filter: () => false })).toEqual([]);
  });

  it('gives the same answer as exact search on this small index', () => {
    const q = embedder.vector('arctic glacier bread');
    expect(ids(index.search(q, 5, { efSearch: 100 }))).toEqual(ids(index.exactSearch(q, 5)));
  });
});

describe('measureRecall', () => {
  it('HNSW finds >= 90% of the exact 10 nearest neighbours among 2,000 random 32-dim vectors at efSearch 64', async () => {
    const dim = 32;
    const rand = mulberry32(42);
    const randomVector = () => Float32Array.from({ length: dim }, () => rand() * 2 - 1);
    const table = Array.from({ length: 2000 }, randomVector);
    // Each chunk's text names its row in the table; the embedder looks the vector up.
    const tableEmbedder: Embedder = { id: 'test:table', dim, embed: async (texts) => texts.map((t) => table[Number(/v(\d+)$/.exec(t)![1])]) };
    const tableChunks: Chunk[] = table.map((_, i) => ({ id: `r#${i}`, docId: 'r', title: 'random', text: `v${i}`, validFrom: '2020-01-01', index: i }));
    const { index } = await openOrBuildIndex(options({ embedder: tableEmbedder, chunks: tableChunks, corpusHash: 'random', M: 16, efConstruction: 200, batchSize: 500 }));
    const queries = Array.from({ length: 100 }, randomVector);

    const recall = measureRecall(index, queries, 10, 64);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeLessThanOrEqual(1);
    // A wider search cannot do worse here; at ef = 2,000 it is exhaustive.
    expect(measureRecall(index, queries, 10, 2000)).toBe(1);
  });

  it('refuses an empty query set', async () => {
    const { index } = await openOrBuildIndex(options());
    expect(() => measureRecall(index, [], 10, 64)).toThrow(/at least one query/);
  });
});

describe('openOrBuildIndex: index.bin is verified by its sha256 before hnswlib reads it', () => {
  /** hnswlib's layout: 96-byte header, then per element [link count u32, maxM0 ids u32][dim float32][label u64]. */
  async function layout() {
    const bytes = await readFile(join(dir, 'index.bin'));
    const u64 = (o: number) => Number(bytes.readBigUInt64LE(o));
    return { bytes, count: u64(16), perElement: u64(24), labelOffset: u64(32), dataOffset: u64(40) };
  }
  /** Rewrites index.bin in place (same size) and, like `cp -p` or `touch -r`, restores its mtime. */
  async function damage(mutate: (l: Awaited<ReturnType<typeof layout>>) => void) {
    const path = join(dir, 'index.bin');
    const before = await stat(path);
    const l = await layout();
    mutate(l);
    await writeFile(path, l.bytes);
    await utimes(path, before.atime, before.mtime);
    expect((await stat(path)).size).toBe(before.size);
  }
  const each = (l: Awaited<ReturnType<typeof layout>>, fn: (at: number) => void) => {
    for (let i = 0; i < l.count; i++) fn(96 + i * l.perElement);
  };
  const cases: Array<[string, (l: Awaited<ReturnType<typeof layout>>) => void]> = [
    ['NaN-filled vectors', (l) => each(l, (at) => { for (let o = l.dataOffset; o < l.labelOffset; o += 4) l.bytes.writeFloatLE(Number.NaN, at + o); })],
    ['emptied neighbour lists', (l) => each(l, (at) => l.bytes.writeUInt32LE(0, at))],
    ['out-of-range neighbour ids', (l) => each(l, (at) => { for (let o = 4; o < l.dataOffset; o += 4) l.bytes.writeUInt32LE(0xfffffff0, at + o); })],
    ['random bytes after the header', (l) => { const r = mulberry32(9); for (let o = 96; o < l.bytes.length; o++) l.bytes[o] = Math.floor(r() * 256); }],
    ['two vectors swapped', (l) => { const a = 96 + l.dataOffset; const b = 96 + l.perElement + l.dataOffset; const n = l.labelOffset - l.dataOffset; const tmp = Buffer.from(l.bytes.subarray(a, a + n)); l.bytes.copy(l.bytes, a, b, b + n); tmp.copy(l.bytes, b); }],
  ];
  it.each(cases)('%s (size and mtime kept): rebuilt with a reason, correct results, no crash', async (_name, mutate) => {
    await openOrBuildIndex(options());
    await damage(mutate);
    const { index, reused, reason } = await openOrBuildIndex(options());
    expect(reused).toBe(false);
    expect(reason).toMatch(/index.bin failed its checksum/);
    const embedder = new HashEmbedder();
    for (const c of chunks) expect(index.search(embedder.vector(chunkEmbeddingText(c)), 1)[0].chunk.id).toBe(c.id);
    const again = await openOrBuildIndex(options());
    expect(again.reused).toBe(true);
    expect(again.index.search(embedder.vector('glacier ice'), 1)[0].chunk.docId).toBe('doc-3');
  });

  it('leaves no pinned copy of index.bin behind', async () => {
    await openOrBuildIndex(options());
    await openOrBuildIndex(options());
    expect((await readdir(dir)).sort()).toEqual(['chunks.json', 'index.bin', 'manifest.json']);
  });
});
