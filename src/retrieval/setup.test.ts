/**
 * Damage to cached artefacts through the whole retrieval setup (local model, embedding cache,
 * HNSW index): each must lead to a rebuild or recompute with a notice and correct results,
 * never a crash and never silent reuse.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Document } from '../dataset/schema.js';
import { ConfigSchema } from '../config/schema.js';
import { TEST_CORPUS } from './embedding/test-corpus.js';
import { buildRetriever, type RetrieverConfig } from './setup.js';

const documents: Document[] = TEST_CORPUS.map((text, i) => ({ id: `d${i}`, title: `passage ${i}`, text }));
const corpus = { documents, manifest: { name: 'test-corpus' } };
/** Question -> the document that answers it (names found in one passage only). */
const QUESTIONS: Array<[string, string]> = [
  ['When was the Vexhollow lighthouse relit?', 'd0'],
  ['Who commissioned the Zorblax reactor?', 'd2'],
  ['What did Mirelle Dovano win?', 'd4'],
  ['Which symphony did Orrin Palethorpe compose?', 'd6'],
  ['What did Ilse Quarrender describe?', 'd9'],
  ['What did Tamsin Oakeshott found?', 'd12'],
  ['Which ship did Ysolde Marrick sail?', 'd16'],
  ['How many stars did Benedikt Haarlow catalogue?', 'd19'],
];

let root: string;
let logs: string[];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ragvft-setup-'));
  logs = [];
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function config(over: Partial<RetrieverConfig['embedding']> = {}, retrieval: Partial<RetrieverConfig['retrieval']> = {}): RetrieverConfig {
  const { embedding: _e, retrieval: defaults } = ConfigSchema.parse({ dataset: '.' });
  return {
    cacheDir: join(root, 'cache'),
    generation: { maxRetries: 0 },
    embedding: { model: 'local:ppmi-svd', dim: 32, allowRemoteModels: false, quantized: false, batchSize: 16, ...over },
    retrieval: { ...defaults, mode: 'dense', chunkSize: 60, chunkOverlap: 10, k: 1, M: 8, efConstruction: 50, temporalFilter: false, indexSnapshots: [], ...retrieval },
  };
}

const progress = () => ({ log: (m: string) => logs.push(m), start: () => ({ tick() {}, done() {} }) });
const noApi = { embeddingModel: () => { throw new Error('no API models in this test'); } };

/** Builds (or reuses) the retriever and returns the share of questions whose top document is right. */
async function run(cfg = config()) {
  logs = [];
  const r = await buildRetriever(cfg, corpus, progress(), noApi);
  let right = 0;
  for (const [q, gold] of QUESTIONS) if ((await r.retriever.retrieve(q, { asOf: null })).docIds[0] === gold) right++;
  return { accuracy: right / QUESTIONS.length, embeddingModel: r.embeddingModel, hash: r.embeddingModelHash, logs: [...logs], indexes: r.indexes };
}

const cacheFiles = () => readdirSync(join(root, 'cache', 'embeddings')).map((f) => join(root, 'cache', 'embeddings', f));
const modelDir = () => {
  const org = join(root, 'cache', 'models', 'ragvft');
  return join(org, readdirSync(org).find((n) => n.startsWith('ppmi-svd-'))!);
};

describe('buildRetriever: every cached artefact is verified', () => {
  it('updates the index chunk by chunk: a changed document re-adds only its chunks, and says so', async () => {
    const first = await run();
    const total = Number(/built HNSW index of (\d+) chunks/.exec(first.logs.join('\n'))![1]);
    // New validity for one document: its chunks get new content keys; the embedding model (trained on titles and texts) stays.
    const changed = { ...corpus, documents: documents.map((d) => (d.id === 'd3' ? { ...d, validTo: '2030-01-01' } : d)) };
    logs = [];
    const r = await buildRetriever(config(), changed, progress(), noApi);
    const line = logs.find((l) => /HNSW index/.test(l))!;
    const m = /^updated HNSW index: (\d+) reused, (\d+) embedded, (\d+) removed \([\d.]+ MB on disk, RSS [\d.]+ MB\)$/.exec(line);
    expect(m, line).not.toBeNull();
    const [reused, embedded, removed] = m!.slice(1).map(Number);
    expect(embedded).toBeGreaterThan(0);
    expect(removed).toBe(embedded);
    expect(reused + embedded).toBe(total);
    expect(embedded).toBeLessThan(total);
    expect((await r.retriever.retrieve(QUESTIONS[0]![0], { asOf: null })).docIds[0]).toBe(QUESTIONS[0]![1]);
    // What the result JSON keeps (run.indexes): the same counts, and what the index takes.
    expect(first.indexes).toMatchObject([{ source: 'dense', store: 'hnsw', asOf: null, chunks: total, reused: 0, added: total, removed: 0 }]);
    expect(r.indexes).toMatchObject([{ source: 'dense', store: 'hnsw', chunks: total, reused, added: embedded, removed }]);
    for (const x of [...first.indexes, ...r.indexes]) {
      expect(x.diskBytes).toBeGreaterThan(total * 32 * 4);
      expect(x.rssBytes).toBeGreaterThan(x.diskBytes);
      expect(x.seconds).toBeGreaterThan(0);
    }
  });

  it('names the weights used: embeddingModel is <model>@<hash12>, stable across runs', async () => {
    const first = await run();
    expect(first.accuracy).toBe(1);
    expect(first.embeddingModel!).toMatch(/^ragvft\/ppmi-svd-[0-9a-f]{12}@[0-9a-f]{12}$/);
    expect(first.embeddingModel!.endsWith(`@${first.hash!.slice(0, 12)}`)).toBe(true);
    const second = await run();
    expect(second.embeddingModel).toBe(first.embeddingModel);
    expect(second.logs.join('\n')).toMatch(/reusing HNSW index/);
  });

  it('flipping `quantized` rebuilds the index (with a notice) instead of reusing the old vectors', async () => {
    const first = await run();
    const flipped = await run(config({ quantized: true }));
    expect(flipped.embeddingModel).not.toBe(first.embeddingModel);
    expect(flipped.logs.join('\n')).toMatch(/built HNSW index of \d+ chunks \(embedding model changed \(.*@\w+ -> .*@\w+\)/);
    expect(flipped.accuracy).toBe(1);
  });

  it('swapped vectors in the embedding cache are detected, recomputed with a notice, and give correct results', async () => {
    await run();
    const [file] = cacheFiles();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { v: string });
    // Swap the vectors of many records pairwise (keys and checksums stay where they were).
    for (let i = 0; i + 1 < lines.length; i += 2) [lines[i].v, lines[i + 1].v] = [lines[i + 1].v, lines[i].v];
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    rmSync(join(root, 'cache', 'index'), { recursive: true, force: true }); // the index is rebuilt from the cache
    const after = await run();
    expect(after.logs.join('\n')).toMatch(/embedding cache .*: \d+ damaged record\(s\) failed their checksum/);
    expect(after.accuracy).toBe(1);
  });

  it('NaN-filled vectors in the embedding cache are not used', async () => {
    await run();
    const [file] = cacheFiles();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { v: string });
    const nan = Buffer.alloc(32 * 4);
    for (let i = 0; i < 32; i++) nan.writeFloatLE(Number.NaN, i * 4);
    for (const l of lines) l.v = nan.toString('base64');
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    rmSync(join(root, 'cache', 'index'), { recursive: true, force: true });
    const after = await run();
    expect(after.logs.join('\n')).toMatch(/damaged record/);
    expect(after.accuracy).toBe(1);
  });

  it('a damaged index.bin (same size, mtime kept) is rebuilt with a notice', async () => {
    await run();
    const indexDir = join(root, 'cache', 'index', readdirSync(join(root, 'cache', 'index'))[0]);
    const path = join(indexDir, 'index.bin');
    const before = statSync(path);
    const bytes = readFileSync(path);
    for (let i = 96; i < bytes.length; i += 7) bytes[i] ^= 0xff;
    writeFileSync(path, bytes);
    utimesSync(path, before.atime, before.mtime);
    const after = await run();
    expect(after.logs.join('\n')).toMatch(/built HNSW index of \d+ chunks \(index.bin failed its checksum/);
    expect(after.accuracy).toBe(1);
  });

  it('a corrupted local model.onnx is rebuilt with a notice; the identical rebuild keeps its identity', async () => {
    const first = await run();
    const onnx = join(modelDir(), 'onnx', 'model.onnx');
    const bytes = readFileSync(onnx);
    for (let i = bytes.length - 200; i < bytes.length; i++) bytes[i] = 0;
    rmSync(onnx);
    writeFileSync(onnx, bytes);
    const after = await run();
    expect(after.logs.join('\n')).toMatch(/rebuilt local embedding model .*onnx\/model.onnx.*differ from the sha256/);
    expect(after.embeddingModel).toBe(first.embeddingModel);
    expect(after.accuracy).toBe(1);
  });

  it('a replaced model folder (another transformers.js model under the same id) gets new vectors, not the old ones', async () => {
    // Two local models trained on different corpora stand in for two versions of a hub model.
    const user = join(root, 'models');
    const texts = documents.map((d) => `${d.title}\n${d.text}`);
    const { ensureLocalEmbeddingModel } = await import('./embedding/local-model.js');
    const good = await ensureLocalEmbeddingModel({ texts, dim: 32, localModelPath: join(root, 'build') });
    const other = await ensureLocalEmbeddingModel({ texts: texts.slice(20), dim: 32, localModelPath: join(root, 'build') });
    cpSync(good.dir, join(user, 'acme', 'embed'), { recursive: true });
    const cfg = config({ model: 'acme/embed', localModelPath: user });
    const first = await run(cfg);
    expect(first.accuracy).toBe(1);

    // The README's advice: replace the folder. Files keep their names (and here their sizes differ or not: irrelevant).
    rmSync(join(user, 'acme', 'embed'), { recursive: true });
    cpSync(other.dir, join(user, 'acme', 'embed'), { recursive: true });
    const replaced = await run(cfg);
    expect(replaced.embeddingModel).not.toBe(first.embeddingModel);
    expect(replaced.logs.join('\n')).toMatch(/embedding model changed \(acme\/embed@\w+ -> acme\/embed@\w+\)/);

    // And back: the original weights give the original identity and results again.
    rmSync(join(user, 'acme', 'embed'), { recursive: true });
    cpSync(good.dir, join(user, 'acme', 'embed'), { recursive: true });
    const restored = await run(cfg);
    expect(restored.embeddingModel).toBe(first.embeddingModel);
    expect(restored.accuracy).toBe(1);
  });
});

describe('buildRetriever: retrieval modes', () => {
  it('bm25 builds no embedding model, finds every answer, and reuses its index on the next run', async () => {
    const first = await run(config({}, { mode: 'bm25' }));
    expect(first.accuracy).toBe(1);
    expect(first.embeddingModel).toBeNull();
    expect(existsSync(join(root, 'cache', 'models'))).toBe(false);
    expect(existsSync(join(root, 'cache', 'index'))).toBe(false);
    expect(first.logs.join('\n')).toMatch(/built BM25 index of \d+ chunks \(no readable manifest/);
    const second = await run(config({}, { mode: 'bm25' }));
    expect(second.logs.join('\n')).toMatch(/reusing BM25 index \(\d+ chunks\)/);
    const chunks = first.indexes[0]!.chunks;
    expect(chunks).toBeGreaterThan(0);
    expect(first.indexes).toMatchObject([{ source: 'bm25', store: null, reused: 0, added: chunks, removed: 0 }]);
    expect(second.indexes).toMatchObject([{ source: 'bm25', store: null, chunks, reused: chunks, added: 0, removed: 0 }]);
    expect(second.indexes[0]!.diskBytes).toBeGreaterThan(0);
  });

  it('a damaged postings.json is rebuilt with a notice, and results stay right', async () => {
    await run(config({}, { mode: 'bm25' }));
    const path = join(root, 'cache', 'bm25', 'test-corpus', 'postings.json');
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    writeFileSync(path, bytes);
    const after = await run(config({}, { mode: 'bm25' }));
    expect(after.logs.join('\n')).toMatch(/built BM25 index of \d+ chunks \(postings.json failed its checksum/);
    expect(after.accuracy).toBe(1);
  });

  it('hybrid builds both indexes and names the embedding model', async () => {
    const r = await run(config({}, { mode: 'hybrid' }));
    expect(r.accuracy).toBe(1);
    expect(r.embeddingModel).toMatch(/^ragvft\/ppmi-svd-/);
    expect(r.logs.join('\n')).toMatch(/built HNSW index/);
    expect(r.logs.join('\n')).toMatch(/built BM25 index/);
    expect(r.indexes.map((x) => x.source)).toEqual(['dense', 'bm25']);
  });
});

describe('buildRetriever: access control', () => {
  it.each(['bm25', 'hybrid'] as const)('%s: one index per date shared by every group; the current index and snapshots filter alike', async (mode) => {
    const restricted = { documents: documents.map((d) => (d.id === 'd2' ? { ...d, access: ['board'] } : d)), manifest: corpus.manifest };
    const built = await buildRetriever(config({}, { mode, k: 3, indexSnapshots: ['2031-01-01'] }), restricted, progress(), noApi);
    expect(logs.filter((l) => /^built BM25 index/.test(l))).toHaveLength(2); // the current corpus and one snapshot, not one per group
    const question = 'Who commissioned the Zorblax reactor?';
    for (const retriever of [built.retriever, built.snapshots.get('2031-01-01')!]) {
      const staff = await retriever.retrieve(question, { asOf: null, groups: ['staff'] });
      expect(staff.docIds).not.toContain('d2');
      expect(staff.chunks).toHaveLength(3);
      expect((await retriever.retrieve(question, { asOf: null, groups: ['board'] })).docIds[0]).toBe('d2');
      expect((await retriever.retrieve(question, { asOf: null, groups: ['staff'] })).docIds).not.toContain('d2');
    }
  });
});
