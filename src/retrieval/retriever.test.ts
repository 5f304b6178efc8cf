import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Document } from '../dataset/schema.js';
import { chunkDocuments } from './chunk.js';
import type { Embedder } from './embedding/types.js';
import { DEFAULT_BM25_PARAMS } from './bm25.js';
import { type Bm25Index, openOrBuildBm25Index } from './bm25-index.js';
import { bm25Ranker, denseRanker, fusedRanker, type Ranker } from './rankers.js';
import { createRetriever } from './retriever.js';
import { keyChunks } from './store/content-key.js';
import { openHnswStore } from './store/hnsw-store.js';
import { syncStore } from './store/sync.js';
import type { VectorStore } from './store/types.js';

/** Hashed bag of words, L2-normalized: enough for "same words -> close vectors". */
const embedder: Embedder = {
  id: 'test:hash-bow',
  dim: 32,
  async embed(texts) {
    return texts.map((text) => {
      const v = new Float32Array(32);
      for (const w of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
        let h = 0x811c9dc5;
        for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193) >>> 0;
        v[h % 32] += 1;
      }
      const norm = Math.hypot(...v) || 1;
      return v.map((x) => x / norm);
    });
  },
};

// Three versions of one fact, plus unrelated documents so the fact's versions are not the only hits.
const docs: Document[] = [
  { id: 'ceo-v1', title: 'Acme leadership', text: 'The chief executive of Acme is Alice Smith.', validFrom: '2018-01-01', validTo: '2022-06-01' },
  { id: 'ceo-v2', title: 'Acme leadership', text: 'The chief executive of Acme is Bob Jones.', validFrom: '2022-06-01', validTo: '2025-01-01', supersedes: 'ceo-v1' },
  { id: 'ceo-v3', title: 'Acme leadership', text: 'The chief executive of Acme is Carol White.', validFrom: '2025-01-01', supersedes: 'ceo-v2' },
  { id: 'hq', title: 'Acme headquarters', text: 'Acme has its headquarters in Springfield. The building has twelve floors. Visitors sign in at the front desk. Parking is free.', validFrom: '2010-01-01' },
  { id: 'river', title: 'River Lune', text: 'The Lune flows through Lancaster into Morecambe Bay.', validFrom: '2010-01-01' },
  // Restricted pages about the same person: an asker outside their groups must never see them.
  { id: 'pay', title: 'Acme board minutes', text: 'The chief executive of Acme is paid 900,000 a year.', validFrom: '2010-01-01', access: ['board'] },
  { id: 'merger', title: 'Acme legal memo', text: 'The chief executive of Acme signed the Zenith merger.', validFrom: '2010-01-01', access: ['legal', 'board'] },
];

let root: string;
let index: VectorStore;
const built = { embeddingModel: embedder.id, dim: embedder.dim };
let bm25: Bm25Index;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ragvft-retriever-'));
  const chunking = { chunkSize: 8, chunkOverlap: 2 };
  const chunks = chunkDocuments(docs, chunking);
  ({ store: index } = await openHnswStore({ dir: join(root, 'hnsw'), identity: { ...built, space: 'cosine' }, settings: { M: 8, efConstruction: 50, efSearch: 64, lancedb: { index: 'none', minRows: 1, nprobes: 1 } } }));
  await syncStore(index, keyChunks(chunks, embedder.id, chunking), embedder, { batchSize: 16 });
  ({ index: bm25 } = await openOrBuildBm25Index(join(root, 'bm25'), chunks));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const question = 'Who is the chief executive of Acme?';
const ceoVersions = (docIds: string[]) => docIds.filter((id) => id.startsWith('ceo-'));

/** The three ways to rank: each must honour the temporal filter the same way. */
const rankers: Array<[string, () => Ranker]> = [
  ['dense', () => denseRanker(index, embedder, built)],
  ['bm25', () => bm25Ranker(bm25, DEFAULT_BM25_PARAMS)],
  ['hybrid', () => fusedRanker([{ ranker: denseRanker(index, embedder, built), weight: 1 }, { ranker: bm25Ranker(bm25, DEFAULT_BM25_PARAMS), weight: 1 }], { rrfK: 60, candidates: 20 })],
];

describe.each(rankers)('createRetriever (%s)', (_name, ranker) => {
  it('with the temporal filter, returns only the version valid on asOf', async () => {
    const retriever = createRetriever({ ranker: ranker(), k: 10, temporalFilter: true });
    expect(ceoVersions((await retriever.retrieve(question, { asOf: '2020-03-01' })).docIds)).toEqual(['ceo-v1']);
    expect(ceoVersions((await retriever.retrieve(question, { asOf: '2022-06-01' })).docIds)).toEqual(['ceo-v2']); // validFrom is inclusive, validTo exclusive
    expect(ceoVersions((await retriever.retrieve(question, { asOf: '2024-12-31' })).docIds)).toEqual(['ceo-v2']);
    expect(ceoVersions((await retriever.retrieve(question, { asOf: '2026-01-01' })).docIds)).toEqual(['ceo-v3']);
    expect((await retriever.retrieve(question, { asOf: '2000-01-01' })).docIds).toEqual([]); // nothing existed yet
  });

  it('without it, every version is eligible', async () => {
    const retriever = createRetriever({ ranker: ranker(), k: 10, temporalFilter: false });
    expect(ceoVersions((await retriever.retrieve(question, { asOf: '2020-03-01' })).docIds).sort()).toEqual(['ceo-v1', 'ceo-v2', 'ceo-v3']);
  });

  it('returns at most k chunks, best first, and each document once in rank order', async () => {
    const retriever = createRetriever({ ranker: ranker(), k: 4, temporalFilter: true });
    const { chunks, docIds, timings } = await retriever.retrieve('Where are the Acme headquarters and parking?', { asOf: '2023-01-01' });
    expect(chunks).toHaveLength(4);
    expect(chunks[0].docId).toBe('hq');
    expect(docIds).toEqual([...new Set(chunks.map((c) => c.docId))]);
    expect(chunks.filter((c) => c.docId === 'hq').length).toBeGreaterThan(1); // several chunks, one docId
    expect(timings.searchMs).toBeGreaterThanOrEqual(0);
    if (_name === 'bm25') expect(timings.embedMs).toBeNull();
    else expect(timings.embedMs).toBeGreaterThanOrEqual(0);
  });

  it('with groups, never returns a document they may not read, and still returns k chunks', async () => {
    const retriever = createRetriever({ ranker: ranker(), k: 5, temporalFilter: false });
    const asked = (groups?: string[]) => retriever.retrieve('How much is the chief executive of Acme paid? Zenith merger?', { asOf: null, groups });
    // Unfiltered, both restricted pages rank in the top k: dropping them afterwards would leave fewer than k.
    expect((await asked()).docIds).toEqual(expect.arrayContaining(['pay', 'merger']));
    const staff = await asked(['staff']);
    expect(staff.docIds).not.toContain('pay');
    expect(staff.docIds).not.toContain('merger');
    expect(staff.chunks).toHaveLength(5);
    const legal = await asked(['legal']);
    expect(legal.docIds).toContain('merger');
    expect(legal.docIds).not.toContain('pay');
    expect(legal.chunks).toHaveLength(5);
    expect((await asked(['board'])).docIds).toEqual(expect.arrayContaining(['pay', 'merger']));
    // No group at all reads public documents only.
    expect((await asked([])).docIds.filter((id) => id === 'pay' || id === 'merger')).toEqual([]);
  });

  it('applies groups and the date together', async () => {
    const retriever = createRetriever({ ranker: ranker(), k: 10, temporalFilter: true });
    const r = await retriever.retrieve('How much is the chief executive of Acme paid?', { asOf: '2023-01-01', groups: ['staff'] });
    expect(ceoVersions(r.docIds)).toEqual(['ceo-v2']);
    expect(r.docIds).not.toContain('pay');
  });

  it('rejects an asOf that is not a date when filtering by date', async () => {
    const retriever = createRetriever({ ranker: ranker(), k: 3, temporalFilter: true });
    await expect(retriever.retrieve(question, { asOf: '2024-1-5' })).rejects.toThrow(/asOf must be a date/);
  });
});

describe('denseRanker', () => {
  it('refuses an embedder other than the one the index was built with', () => {
    expect(() => denseRanker(index, { ...embedder, id: 'test:other' }, built)).toThrow(/does not match the index/);
  });
});
