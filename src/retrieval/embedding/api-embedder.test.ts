import type { EmbeddingModelV4 } from '@ai-sdk/provider';
import { MockEmbeddingModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { createApiEmbedder, normalize } from './api-embedder.js';

/** A mock embedding API: vector [len, 1, 0] per text, usage = number of texts (or none). */
function mock(opts: { vector?: (t: string) => number[]; tokens?: boolean } = {}) {
  const model = new MockEmbeddingModelV4({
    provider: 'mock.embedding',
    modelId: 'e1',
    maxEmbeddingsPerCall: 100,
    doEmbed: async ({ values }: Parameters<EmbeddingModelV4['doEmbed']>[0]) => ({
      embeddings: values.map((t) => (opts.vector ? opts.vector(t) : [t.length, 1, 0])),
      usage: opts.tokens === false ? undefined : { tokens: values.length },
      warnings: [],
    }),
  });
  return model;
}

describe('createApiEmbedder', () => {
  it('discovers the dimension with a probe, batches, normalizes and counts tokens', async () => {
    const model = mock();
    const e = await createApiEmbedder({ model, id: 'mock:e1', batchSize: 2 });
    expect(e.id).toBe('mock:e1');
    expect(e.dim).toBe(3);
    const vs = await e.embed(['a', 'bbb', 'cc', 'dddd', 'e']);
    expect(vs).toHaveLength(5);
    expect(model.doEmbedCalls.map((c) => c.values.length)).toEqual([1, 2, 2, 1]);
    for (const v of vs) expect(Math.hypot(...v)).toBeCloseTo(1, 6);
    expect(vs[1][0] / vs[1][1]).toBeCloseTo(3, 5);
    expect(e.usage()).toEqual({ tokens: 1 + 5, calls: 4 });
    expect(await e.embed([])).toEqual([]);
  });

  it('counts nothing when the provider reports no usage', async () => {
    const e = await createApiEmbedder({ model: mock({ tokens: false }), id: 'x', batchSize: 8 });
    await e.embed(['a']);
    expect(e.usage().tokens).toBe(0);
  });

  it('rejects non-finite, wrong-length and zero vectors before they reach an index', async () => {
    await expect(createApiEmbedder({ model: mock({ vector: () => [] }), id: 'x', batchSize: 8 })).rejects.toThrow(/empty vector/);
    const bad = (v: number[]) => createApiEmbedder({ model: mock({ vector: (t) => (t === 'bad' ? v : [1, 2, 3]) }), id: 'x', batchSize: 8 });
    await expect((await bad([1, Number.NaN, 3])).embed(['ok', 'bad'])).rejects.toThrow(/embedding 1 from x: element 1 is not a finite number/);
    await expect((await bad([1, 2])).embed(['bad'])).rejects.toThrow(/expected 3 dimensions, got 2/);
    await expect((await bad([0, 0, 0])).embed(['bad'])).rejects.toThrow(/zero/);
  });

  it('validates batchSize', async () => {
    await expect(createApiEmbedder({ model: mock(), id: 'x', batchSize: 0 })).rejects.toThrow(/batchSize/);
  });
});

describe('normalize', () => {
  it('scales to unit length', () => {
    expect(Array.from(normalize([3, 4], 2, 'v'))).toEqual([0.6000000238418579, 0.800000011920929]);
  });
});
