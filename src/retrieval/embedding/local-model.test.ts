import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalModelResult, ensureLocalEmbeddingModel } from './local-model.js';
import { TEST_CORPUS } from './test-corpus.js';
import { basicTokenize } from './tokenizer.js';
import { type TransformersEmbedder, createTransformersEmbedder } from './transformers.js';

const DIM = 64;
const texts = [...TEST_CORPUS];
let root: string;
let model: LocalModelResult;
let embedder: TransformersEmbedder;

function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function norm(v: Float32Array): number {
  return Math.sqrt(cosine(v, v));
}

/** Every file of a folder, relative path -> bytes. */
function folderBytes(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

const load = (modelId: string, quantized = false) =>
  createTransformersEmbedder({ modelId, localModelPath: root, allowRemoteModels: false, quantized, batchSize: 8 });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ragvft-embedding-'));
  model = await ensureLocalEmbeddingModel({ texts, dim: DIM, localModelPath: root, seed: 7 });
  embedder = await load(model.modelId);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ensureLocalEmbeddingModel', () => {
  it('exports a transformers.js model folder', () => {
    expect(model.built).toBe(true);
    expect(model.modelId).toMatch(/^ragvft\/ppmi-svd-[0-9a-f]{12}$/);
    expect(model.dir).toBe(join(root, model.modelId));
    const manifest = JSON.parse(readFileSync(join(model.dir, 'ragvft-model.json'), 'utf8'));
    const tokenizer = JSON.parse(readFileSync(join(model.dir, 'tokenizer.json'), 'utf8'));
    expect(manifest).toMatchObject({ dim: DIM, seed: 7, modelId: model.modelId, textCount: texts.length });
    expect(Object.keys(tokenizer.model.vocab)).toHaveLength(manifest.vocabSize);
    expect(JSON.parse(readFileSync(join(model.dir, 'tokenizer_config.json'), 'utf8'))).toMatchObject({ model_max_length: 512, pad_token: '[PAD]' });
    expect(readdirSync(join(root, 'ragvft'))).toEqual([model.modelId.split('/')[1]]); // no temp folder left
  });

  it('writes an ONNX Gather graph that onnxruntime 1.14 accepts (IR 8, opset <= 18)', () => {
    const { onnx } = onnxProto;
    const m = onnx.ModelProto.decode(readFileSync(join(model.dir, 'onnx/model.onnx')));
    expect(Number(m.irVersion)).toBe(8);
    expect(Number(m.opsetImport[0].version)).toBeLessThanOrEqual(18);
    const graph = m.graph as InstanceType<typeof onnx.GraphProto>;
    expect(graph.node.map((n) => n.opType)).toEqual(['Gather']);
    expect(graph.input.map((i) => i.name)).toEqual(['input_ids']);
    expect(graph.output.map((o) => o.name)).toEqual(['last_hidden_state']);
    expect((graph.initializer[0].dims ?? []).map(Number)).toEqual([JSON.parse(readFileSync(join(model.dir, 'ragvft-model.json'), 'utf8')).vocabSize, DIM]);
  });

  it('reuses a finished folder', async () => {
    const again = await ensureLocalEmbeddingModel({ texts, dim: DIM, localModelPath: root, seed: 7 });
    expect(again).toEqual({ ...model, built: false });
  });

  it('rebuilds a folder whose manifest is corrupt or invalid instead of trusting it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-embedding-corrupt-'));
    try {
      const small = texts.slice(0, 12);
      const first = await ensureLocalEmbeddingModel({ texts: small, dim: 16, localModelPath: dir, seed: 3 });
      expect(first.built).toBe(true);
      const manifestPath = join(first.dir, 'ragvft-model.json');
      const good = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
      for (const bad of ['{"algorithm": "ppmi-svd+idf-', JSON.stringify({ ...good, dim: '16' }), JSON.stringify({ ...good, tuning: null })]) {
        writeFileSync(manifestPath, bad);
        const again = await ensureLocalEmbeddingModel({ texts: small, dim: 16, localModelPath: dir, seed: 3 });
        expect(again).toEqual({ ...first, built: true, reason: expect.stringMatching(/ragvft-model.json missing or invalid/) });
        expect(JSON.parse(readFileSync(manifestPath, 'utf8'))).toMatchObject({ ...good, buildSeconds: expect.any(Number) });
      }
      expect((await ensureLocalEmbeddingModel({ texts: small, dim: 16, localModelPath: dir, seed: 3 })).built).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a different model for different texts, dim or seed', async () => {
    const ids = await Promise.all([
      ensureLocalEmbeddingModel({ texts: texts.slice(1), dim: DIM, localModelPath: root, seed: 7 }),
      ensureLocalEmbeddingModel({ texts, dim: 32, localModelPath: root, seed: 7 }),
      ensureLocalEmbeddingModel({ texts, dim: DIM, localModelPath: root, seed: 8 }),
    ]);
    expect(new Set([model.modelId, ...ids.map((r) => r.modelId)]).size).toBe(4);
  });

  it('shares one build between concurrent calls', async () => {
    const opts = { texts: texts.slice(0, 10), dim: 16, localModelPath: root };
    const [a, b] = await Promise.all([ensureLocalEmbeddingModel(opts), ensureLocalEmbeddingModel(opts)]);
    expect(a.dir).toBe(b.dir);
    expect([a.built, b.built].sort()).toEqual([false, true]);
  });

  it('builds a usable model from a corpus without words (every text falls back)', async () => {
    const empty = await ensureLocalEmbeddingModel({ texts: ['', '...'], dim: 8, localModelPath: root });
    const e = await load(empty.modelId);
    const [v] = await e.embed(['anything at all']);
    expect(v.every(Number.isFinite)).toBe(true);
    expect(norm(v)).toBeCloseTo(1, 5);
    expect(e.fallbackCount()).toBe(1);
  });

  it('is deterministic: a second build is byte-identical but for buildSeconds', async () => {
    const other = mkdtempSync(join(tmpdir(), 'ragvft-embedding-'));
    try {
      const second = await ensureLocalEmbeddingModel({ texts, dim: DIM, localModelPath: other, seed: 7 });
      expect(second.built).toBe(true);
      expect(second.modelId).toBe(model.modelId);
      const a = folderBytes(model.dir);
      const b = folderBytes(second.dir);
      expect([...b.keys()]).toEqual([...a.keys()]);
      for (const [file, bytes] of a) {
        if (file === 'ragvft-model.json') {
          const strip = (buf: Buffer) => ({ ...JSON.parse(buf.toString('utf8')), buildSeconds: 0 });
          expect(strip(b.get(file)!)).toEqual(strip(bytes));
        } else expect(b.get(file)!.equals(bytes), file).toBe(true);
      }
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('the local model through the transformers.js pipeline', () => {
  it('discovers the dimension and returns unit vectors', async () => {
    expect(embedder.id).toMatch(new RegExp(`^${model.modelId}@[0-9a-f]{12}$`));
    expect(embedder.modelId).toBe(model.modelId);
    expect(embedder.id).toBe(`${model.modelId}@${embedder.modelHash.slice(0, 12)}`);
    expect(embedder.dim).toBe(DIM);
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(texts.length);
    for (const v of vectors) {
      expect(v).toHaveLength(DIM);
      expect(v.every(Number.isFinite)).toBe(true);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
  });

  it('never returns NaN: empty and all-unknown texts get one fixed unit fallback vector', async () => {
    const before = embedder.fallbackCount();
    const [empty, unknown, punctuation, known] = await embedder.embed(['', 'qwzx vvbnm plorf', '?!...', 'Vexhollow lighthouse']);
    for (const v of [empty, unknown, punctuation, known]) {
      expect(v.every(Number.isFinite)).toBe(true);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(embedder.fallbackCount() - before).toBe(3);
    expect(unknown).toEqual(empty);
    expect(known).not.toEqual(empty);
  });

  it('ranks the passage sharing a rare entity name with the question first', async () => {
    const questions: [string, number][] = [
      ['When was the Vexhollow lighthouse relit?', 0],
      ['Who commissioned the Zorblax reactor?', 2],
      ['What did Mirelle Dovano win?', 4],
      ['Which symphony did Orrin Palethorpe compose?', 6],
      ['What did Ilse Quarrender describe?', 9],
      ['What did Tamsin Oakeshott found?', 12],
      ['Which ship did Ysolde Marrick sail?', 16],
      ['How many stars did Benedikt Haarlow catalogue?', 19],
      ['Who designed the ventilation of the Skellig tunnel?', 26],
      ['What did Ruaridh Vossberg restore?', 36],
      ['Which cape did Odalys Fernholt sail around?', 40],
      ['Which shafts did Casimir Lathewood inspect?', 41],
      ['Which shafts did Aldous Fenchurch design?', 26],
    ];
    const docs = await embedder.embed(texts);
    const queries = await embedder.embed(questions.map(([q]) => q));
    questions.forEach(([q, gold], i) => {
      const scores = docs.map((d) => cosine(queries[i], d));
      const best = scores.indexOf(Math.max(...scores));
      expect(best, `${q} -> ${texts[best]}`).toBe(gold);
    });
  });

  it('gives the same vectors with quantized: true (same graph)', async () => {
    const quantized = await load(model.modelId, true);
    const [a] = await embedder.embed([texts[3]]);
    const [b] = await quantized.embed([texts[3]]);
    expect(b).toEqual(a);
  });

  it('tokenizes exactly as the training-time tokenizer does', async () => {
    // The embedder loads the model in a worker thread: this thread's env is set up here.
    const { AutoTokenizer, env } = await import('@xenova/transformers');
    Object.assign(env, { allowRemoteModels: false, localModelPath: root, cacheDir: join(root, '.transformers-cache') });
    const tokenizer = await AutoTokenizer.from_pretrained(model.modelId);
    const vocab: Record<string, number> = JSON.parse(readFileSync(join(model.dir, 'tokenizer.json'), 'utf8')).model.vocab;
    const samples = [...texts, 'CAFÉ élysée, Zorblax-reactor (turbine)!', 'unseen words mixed with Quennford\tand\nherring', 'x[SEP]y 京都'];
    for (const text of samples) {
      const expected = basicTokenize(text).map((w) => vocab[w] ?? vocab['[UNK]']);
      const specials = new Set(['[PAD]', '[CLS]', '[SEP]', '[MASK]'].map((t) => vocab[t]));
      const actual = (tokenizer.encode(text, null, { add_special_tokens: false }) as number[]).filter((id) => !specials.has(id));
      expect(actual, text).toEqual(expected);
    }
  });

  it('fails clearly when the model folder is missing and remote models are off', async () => {
    const missing = 'ragvft/ppmi-svd-000000000000';
    await expect(load(missing)).rejects.toThrow(missing);
    await expect(load(missing)).rejects.toThrow(join(root, missing));
  });
});

describe('model identity: a hash over the files loaded, not the name', () => {
  it('a damaged or replaced model.onnx (same size, mtime restored) is rebuilt with a reason, and the rebuilt folder is reused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-embedding-damage-'));
    try {
      const opts = { texts: texts.slice(0, 12), dim: 16, localModelPath: dir, seed: 3, stampDir: join(dir, 'stamps') };
      const first = await ensureLocalEmbeddingModel(opts);
      const onnxPath = join(first.dir, 'onnx/model.onnx');
      const good = readFileSync(onnxPath);
      // Second call fills the stamps; the fast path is then in use.
      expect((await ensureLocalEmbeddingModel(opts)).built).toBe(false);
      const bad = Buffer.from(good);
      for (let i = bad.length - 64; i < bad.length; i++) bad[i] ^= 0x5a; // flip bytes inside the embedding table
      const before = statSync(onnxPath);
      writeFileSync(onnxPath, bad);
      utimesSync(onnxPath, before.atime, before.mtime);
      const again = await ensureLocalEmbeddingModel(opts);
      expect(again).toMatchObject({ built: true, modelId: first.modelId, reason: expect.stringMatching(/onnx\/model.onnx.*differ from the sha256/) });
      expect(readFileSync(onnxPath).equals(good)).toBe(true);
      expect(await ensureLocalEmbeddingModel(opts)).toEqual({ ...first, built: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('changes when the ONNX file loaded or `quantized` changes, and is stable otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-embedding-identity-'));
    try {
      // A user-supplied folder under another name: a copy of the local model.
      const built = await ensureLocalEmbeddingModel({ texts: texts.slice(0, 12), dim: 16, localModelPath: dir, seed: 3 });
      const user = join(dir, 'acme', 'mini');
      cpSync(built.dir, user, { recursive: true });
      const open = (quantized: boolean) =>
        createTransformersEmbedder({ modelId: 'acme/mini', localModelPath: dir, allowRemoteModels: false, quantized, batchSize: 8, stampDir: join(dir, 'stamps') });
      const a = await open(false);
      expect((await open(false)).id).toBe(a.id);
      const q = await open(true);
      expect(q.id).not.toBe(a.id); // same bytes here, but another file and setting: never assumed equal
      expect(q.id.startsWith('acme/mini@')).toBe(true);

      // Replace the folder's ONNX file by another model's (a different corpus), preserving its mtime.
      const other = await ensureLocalEmbeddingModel({ texts: texts.slice(12, 24), dim: 16, localModelPath: dir, seed: 3 });
      const target = join(user, 'onnx/model.onnx');
      const before = statSync(target);
      rmSync(target);
      cpSync(join(other.dir, 'onnx/model.onnx'), target);
      cpSync(join(other.dir, 'tokenizer.json'), join(user, 'tokenizer.json'));
      utimesSync(target, before.atime, before.mtime);
      const replaced = await open(false);
      expect(replaced.id).not.toBe(a.id);
      expect(replaced.modelHash).not.toBe(a.modelHash);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
