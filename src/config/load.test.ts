import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../util/errors.js';
import { loadConfig } from './load.js';

describe('loadConfig', () => {
  it.each(readdirSync('bench').filter((f) => /\.(ts|json)$/.test(f)))('example bench/%s is a valid config', async (file) => {
    const { config, datasetPath } = await loadConfig(join('bench', file));
    expect(config.pipelines.length).toBeGreaterThan(0);
    expect(datasetPath).toBe(resolve('fixtures/aurelia'));
  });

  it('fills defaults and resolves the dataset against the config folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-cfg-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ dataset: 'data' }));
    const { config, datasetPath } = await loadConfig(join(dir, 'c.json'));
    expect(datasetPath).toBe(join(dir, 'data'));
    expect(config.retrieval).toMatchObject({ k: 5, efSearch: 64, temporalFilter: true, bm25: { k1: 1.2, b: 0.75 }, fusion: { rrfK: 60, weights: { dense: 1, bm25: 1 }, candidates: 50 } });
    expect(config.pipelines.map((p) => p.name)).toEqual(['closed-book', 'rag', 'fine-tuned', 'hybrid']);
  });

  it.each([
    [{ dataset: 'd', retrieval: { k: 0 } }, 'field "retrieval.k"'],
    [{ dataset: 'd', models: { base: 'no-provider' } }, 'field "models.base": must look like <provider>:<model>'],
    [{ dataset: 'd', providers: { x: { type: 'openai', apiKey: 'sk-123' } } }, 'unknown field(s) "apiKey"'],
    [{}, 'field "dataset": is missing'],
    [{ dataset: 'd', retrieval: { mode: 'sparse' } }, 'field "retrieval.mode"'],
    [{ dataset: 'd', retrieval: { bm25: { b: 1.5 } } }, 'field "retrieval.bm25.b"'],
    [{ dataset: 'd', retrieval: { bm25: { k1: -1 } } }, 'field "retrieval.bm25.k1"'],
    [{ dataset: 'd', retrieval: { fusion: { rrfK: -1 } } }, 'field "retrieval.fusion.rrfK"'],
    [{ dataset: 'd', retrieval: { fusion: { weights: { sparse: 1 } } } }, 'unknown field(s) "sparse"'],
    [{ dataset: 'd', retrieval: { fusion: { candidates: 0 } } }, 'field "retrieval.fusion.candidates"'],
    [{ dataset: 'd', retrieval: { mode: 'hybrid', fusion: { weights: { dense: 0, bm25: 0 } } } }, 'field "retrieval.fusion.weights": hybrid mode needs a weight above 0'],
    [{ dataset: 'd', models: { base: { provider: 'p', modelId: 'm' } } }, 'field "models.base": must be \'<provider>:<model>\' or an AI SDK language model instance'],
    [{ dataset: 'd', pipelines: [{ name: 'x', run: 'code' }] }, 'field "pipelines.0.run": must be a function'],
    [{ dataset: 'd', pipelines: [{ name: 'x', type: 'grpc' }] }, 'field "pipelines.0.type"'],
    [{ dataset: 'd', pipelines: [{ name: 'x', type: 'http', url: 'http://h/ask', map: { answer: 'answer' } }] }, 'field "pipelines.0.map.answer": is not a JSONPath this supports ("answer" must start with $)'],
    [{ dataset: 'd', pipelines: [{ name: 'x', type: 'http', url: 'http://h/ask', map: { answer: '$.a' }, headers: { k: 'v' }, apiKey: 'sk-1' }] }, 'unknown field(s) "apiKey"'],
    [{ dataset: 'd', pipelines: [{ name: 'x', model: 'base' }] }, 'field "pipelines.0.retrieval": is missing'],
  ])('rejects %j', async (cfg, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-cfg-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify(cfg));
    const err = await loadConfig(join(dir, 'c.json')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(message);
  });

  it.each([
    ['c.config.ts', 'const config: { dataset: string } = { dataset: "data" };\nexport default config;\n'],
    ['c.config.mts', 'export default { dataset: "data" } satisfies { dataset: string };\n'],
    ['c.config.mjs', 'export default { dataset: "data" };\n'],
  ])('loads %s from a folder outside any package (TypeScript through tsx)', async (name, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-cfg-'));
    writeFileSync(join(dir, name), text);
    const { datasetPath } = await loadConfig(join(dir, name));
    expect(datasetPath).toBe(join(dir, 'data'));
  });

  it('a TS config may hold AI SDK model instances and pipeline functions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-cfg-'));
    const aiTest = pathToFileURL(createRequire(import.meta.url).resolve('ai/test')).href;
    writeFileSync(
      join(dir, 'c.config.mts'),
      `import { MockLanguageModelV4 } from ${JSON.stringify(aiTest)};\n` +
        `export default { dataset: 'data', models: { base: new MockLanguageModelV4({ provider: 'google.generative-ai', modelId: 'gemini-x' }) },\n` +
        `  pipelines: [{ name: 'rag', model: 'base', retrieval: true }, { name: 'mine', run: async ({ question }) => ({ answer: question }) }] };\n`,
    );
    const { config } = await loadConfig(join(dir, 'c.config.mts'));
    expect(config.models.base).toMatchObject({ provider: 'google.generative-ai', modelId: 'gemini-x', specificationVersion: 'v4' });
    const mine = config.pipelines[1]!;
    expect('run' in mine && (await mine.run({ question: 'q?', asOf: null, id: 'q1', signal: new AbortController().signal }))).toEqual({ answer: 'q?' });
  });

  it('names a missing config file', async () => {
    await expect(loadConfig('nope.config.ts')).rejects.toThrow(/nope\.config\.ts: file not found/);
  });
});
