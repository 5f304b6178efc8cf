import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCachedEmbedder, embedWithSource } from './cache.js';
import type { Embedder } from './types.js';

/** A deterministic stand-in that records what it was asked to embed. */
function fakeEmbedder(id = 'fake/model', dim = 8): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    id,
    dim,
    calls,
    async embed(texts) {
      calls.push([...texts]);
      return texts.map((t) => Float32Array.from({ length: dim }, (_, i) => Math.sin(t.length + i * 0.7 + (t.charCodeAt(0) || 0))));
    },
  };
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ragvft-embcache-'));
  file = join(dir, 'sub', 'embeddings.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('createCachedEmbedder', () => {
  it('embeds only misses, and a second run over the same texts is all hits with identical vectors', async () => {
    const inner = fakeEmbedder();
    const first = createCachedEmbedder(inner, file);
    const a = await first.embed(['alpha', 'beta', 'alpha']);
    expect(inner.calls).toEqual([['alpha', 'beta']]);
    expect(first.stats()).toEqual({ hits: 0, misses: 3 });
    const b = await first.embed(['beta', 'gamma']);
    expect(inner.calls[1]).toEqual(['gamma']);
    expect(first.stats()).toEqual({ hits: 1, misses: 4 });

    const reopened = createCachedEmbedder(inner, file);
    const again = await reopened.embed(['alpha', 'beta', 'gamma']);
    expect(inner.calls).toHaveLength(2);
    expect(reopened.stats()).toEqual({ hits: 3, misses: 0 });
    expect(again).toEqual([a[0], a[1], b[1]]);
  });

  it('keeps models apart', async () => {
    await createCachedEmbedder(fakeEmbedder('m/one'), file).embed(['alpha']);
    const other = fakeEmbedder('m/two');
    await createCachedEmbedder(other, file).embed(['alpha']);
    expect(other.calls).toEqual([['alpha']]);
  });

  it('hands out copies, so callers cannot corrupt the cache', async () => {
    const cached = createCachedEmbedder(fakeEmbedder(), file);
    const [v] = await cached.embed(['alpha']);
    const original = v.slice();
    v.fill(0);
    expect((await cached.embed(['alpha']))[0]).toEqual(original);
  });

  it('tolerates a torn last record and keeps appending whole lines', async () => {
    const inner = fakeEmbedder();
    await createCachedEmbedder(inner, file).embed(['alpha', 'beta']);
    truncateSync(file, statSync(file).size - 20); // crash in the middle of writing "beta"
    const reopened = createCachedEmbedder(inner, file);
    await reopened.embed(['alpha', 'beta', 'gamma']);
    expect(reopened.stats()).toEqual({ hits: 1, misses: 2 });
    expect(inner.calls[1]).toEqual(['beta', 'gamma']);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines.map((l) => JSON.parse(l).h)).toHaveLength(3);
    expect(createCachedEmbedder(inner, file).stats()).toEqual({ hits: 0, misses: 0 });
    await createCachedEmbedder(inner, file).embed(['alpha', 'beta', 'gamma']);
    expect(inner.calls).toHaveLength(2);
  });

  it('skips garbage and wrong-dimension records instead of trusting them', async () => {
    const inner = fakeEmbedder('fake/model', 8);
    await createCachedEmbedder(inner, file).embed(['alpha']);
    appendFileSync(file, 'not json\n{"m":"fake/model","h":"x","v":"AAAA"}\n');
    const reopened = createCachedEmbedder(inner, file);
    await reopened.embed(['alpha']);
    expect(reopened.stats()).toEqual({ hits: 1, misses: 0 });
  });

  it('rejects a non-finite vector from the inner embedder', async () => {
    const bad: Embedder = { id: 'bad', dim: 2, embed: async (t) => t.map(() => Float32Array.of(0, Number.NaN)) };
    await expect(createCachedEmbedder(bad, file).embed(['x'])).rejects.toThrow(/not a finite number/);
  });

  it('detects vectors swapped between records: both are embedded again, with one notice', async () => {
    const inner = fakeEmbedder();
    const [a, b] = await createCachedEmbedder(inner, file).embed(['alpha', 'gamma']);
    expect(a).not.toEqual(b);
    const recs = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    [recs[0].v, recs[1].v] = [recs[1].v, recs[0].v];
    writeFileSync(file, `${recs.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const notices: string[] = [];
    const reopened = createCachedEmbedder(inner, file, { log: (m) => notices.push(m) });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/2 damaged record\(s\) failed their checksum/);
    expect(await reopened.embed(['alpha', 'gamma'])).toEqual([a, b]);
    expect(reopened.stats()).toEqual({ hits: 0, misses: 2 });
  });

  it('does not serve NaN-filled vectors or records without a checksum (older files)', async () => {
    const inner = fakeEmbedder('fake/model', 2);
    const nan = Buffer.alloc(8);
    nan.writeFloatLE(Number.NaN, 0);
    nan.writeFloatLE(Number.NaN, 4);
    const { recordChecksum } = await import('./cache.js');
    const h = (t: string) => createHash('sha256').update(t).digest('hex');
    const v = nan.toString('base64');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ m: 'fake/model', h: h('alpha'), v, c: recordChecksum('fake/model', h('alpha'), v) })}\n${JSON.stringify({ m: 'fake/model', h: h('beta'), v: Buffer.alloc(8).toString('base64') })}\n`);
    const notices: string[] = [];
    const cached = createCachedEmbedder(inner, file, { log: (m) => notices.push(m) });
    expect(notices[0]).toMatch(/2 damaged record/);
    const out = await cached.embed(['alpha', 'beta']);
    expect(out.every((x) => x.every(Number.isFinite))).toBe(true);
    expect(cached.stats()).toEqual({ hits: 0, misses: 2 });
  });
});

describe('createCachedEmbedder: which vectors were computed (embedWithSource)', () => {
  it('marks cache hits, in memory and after reopening; an embedder without a cache computes all', async () => {
    const inner = fakeEmbedder();
    const cached = createCachedEmbedder(inner, file);
    expect((await cached.embedWithSource(['alpha', 'beta'])).cached).toEqual([false, false]);
    expect((await cached.embedWithSource(['beta', 'gamma'])).cached).toEqual([true, false]);
    expect((await createCachedEmbedder(inner, file).embedWithSource(['gamma'])).cached).toEqual([true]);
    const plain = await embedWithSource(inner, ['alpha']);
    expect(plain.cached).toEqual([false]);
    expect(plain.vectors).toEqual(await cached.embed(['alpha']));
  });

  it('a text asked for while another call computes it is computed once, and marked as not computed for the second', async () => {
    const inner = fakeEmbedder();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Embedder = { ...inner, embed: async (texts) => (await gate, inner.embed(texts)) };
    const cached = createCachedEmbedder(slow, file);
    // rag and hybrid asking the same question at once.
    const first = cached.embedWithSource(['the question']);
    const second = cached.embedWithSource(['the question']);
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(inner.calls).toEqual([['the question']]);
    expect([a.cached, b.cached]).toEqual([[false], [true]]);
    expect(b.vectors).toEqual(a.vectors);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1); // stored once
    expect(cached.stats()).toEqual({ hits: 1, misses: 1 });
  });
});
