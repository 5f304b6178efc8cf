import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import { MockLanguageModelV4, simulateReadableStream } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheKey, entryPath, wrapWithCache } from './cache.js';

const usage = { inputTokens: { total: 7, noCache: 7, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 2, text: 2, reasoning: undefined } };

function mockModel(text = 'Osric Vell', streamParts?: LanguageModelV4StreamPart[]) {
  return new MockLanguageModelV4({
    provider: 'mock.chat',
    modelId: 'm1',
    doGenerate: async () => ({ content: [{ type: 'text', text }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] }),
    doStream: async () => ({
      stream: simulateReadableStream({
        chunks: streamParts ?? [
          { type: 'stream-start', warnings: [] },
          { type: 'text-start', id: '1' },
          { type: 'text-delta', id: '1', delta: text.slice(0, 3) },
          { type: 'text-delta', id: '1', delta: text.slice(3) },
          { type: 'text-end', id: '1' },
          { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
        ],
      }),
    }),
  });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ragvft-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Answer entries (not the per-model `served/` records). */
const files = () => readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.json') && !f.startsWith('served'));

describe('cacheKey', () => {
  const base: LanguageModelV4CallOptions = { prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], temperature: 0, maxOutputTokens: 10 };
  const m = { provider: 'p', modelId: 'm' };

  it('is stable across key order and ignores headers and the abort signal', () => {
    const k = cacheKey(m, base);
    expect(cacheKey(m, { maxOutputTokens: 10, temperature: 0, prompt: base.prompt })).toBe(k);
    expect(cacheKey(m, { ...base, headers: { authorization: 'Bearer sk-secret-123456789' }, abortSignal: new AbortController().signal })).toBe(k);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with provider, model, prompt, each setting and the namespace', () => {
    const k = cacheKey(m, base);
    const variants: [typeof m, LanguageModelV4CallOptions, string?][] = [
      [{ ...m, provider: 'q' }, base],
      [{ ...m, modelId: 'ft:m' }, base],
      [m, { ...base, prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi!' }] }] }],
      [m, { ...base, prompt: [{ role: 'system', content: 's' }, ...base.prompt] }],
      [m, { ...base, temperature: 0.5 }],
      [m, { ...base, maxOutputTokens: 11 }],
      [m, { ...base, topP: 0.9 }],
      [m, { ...base, topK: 5 }],
      [m, { ...base, seed: 1 }],
      [m, { ...base, stopSequences: ['\n'] }],
      [m, { ...base, presencePenalty: 0.1 }],
      [m, { ...base, frequencyPenalty: 0.1 }],
      [m, { ...base, responseFormat: { type: 'json' } }],
      [m, { ...base, providerOptions: { openai: { reasoningEffort: 'low' } } }],
      [m, base, 'http://other-host/v1'],
    ];
    const keys = variants.map(([mm, p, ns]) => cacheKey(mm, p, ns));
    keys.push(cacheKey(m, base, undefined, 'model-reported-by-the-server'));
    expect(new Set([k, ...keys]).size).toBe(keys.length + 1);
  });
});

describe('response cache middleware', () => {
  it('stores a generated answer and serves it with cached metadata and the stored usage', async () => {
    const inner = mockModel();
    const model = wrapWithCache(inner, dir);
    const a = await generateText({ model, prompt: 'q', temperature: 0 });
    const b = await generateText({ model, prompt: 'q', temperature: 0 });
    expect(inner.doGenerateCalls).toHaveLength(1);
    expect(b.text).toBe(a.text);
    expect(b.usage.inputTokens).toBe(7);
    expect(b.usage.outputTokens).toBe(2);
    expect(b.finishReason).toBe('stop');
    expect(b.providerMetadata?.ragvft?.cached).toBe(true);
    expect(files()).toHaveLength(1);
    const entry = JSON.parse(readFileSync(join(dir, files()[0]), 'utf8'));
    expect(entry).toMatchObject({ text: 'Osric Vell', model: { provider: 'mock.chat', modelId: 'm1' }, finishReason: { unified: 'stop' } });
    expect(typeof entry.cachedAt).toBe('string');
  });

  it('tees a stream: stores it after the finish and replays it marked cached', async () => {
    const inner = mockModel();
    const model = wrapWithCache(inner, dir);
    const first = streamText({ model, prompt: 'q' });
    expect(await first.text).toBe('Osric Vell');
    expect((await first.providerMetadata)?.ragvft).toBeUndefined();
    const second = streamText({ model, prompt: 'q' });
    expect(await second.text).toBe('Osric Vell');
    expect((await second.providerMetadata)?.ragvft?.cached).toBe(true);
    expect((await second.usage).outputTokens).toBe(2);
    expect(inner.doStreamCalls).toHaveLength(1);
  });

  it('does not cache a stream with an error part or without a normal finish', async () => {
    const errored = mockModel('x', [
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: '1' },
      { type: 'text-delta', id: '1', delta: 'Osr' },
      { type: 'error', error: new Error('boom') },
      { type: 'finish', finishReason: { unified: 'error', raw: undefined }, usage },
    ]);
    const r = streamText({ model: wrapWithCache(errored, dir), prompt: 'q', onError: () => {} });
    await r.consumeStream();
    const noFinish = mockModel('x', [{ type: 'stream-start', warnings: [] }, { type: 'text-delta', id: '1', delta: 'Osr' }]);
    await streamText({ model: wrapWithCache(noFinish, dir), prompt: 'q', onError: () => {} }).consumeStream();
    expect(files()).toHaveLength(0);
  });

  it('passes tool calls through uncached', async () => {
    const inner = mockModel();
    const model = wrapWithCache(inner, dir);
    const tools = { lookup: tool({ description: 'look up', inputSchema: jsonSchema<{ q: string }>({ type: 'object', properties: { q: { type: 'string' } } }) }) };
    await generateText({ model, prompt: 'q', tools });
    await generateText({ model, prompt: 'q', tools });
    expect(inner.doGenerateCalls).toHaveLength(2);
    expect(files()).toHaveLength(0);
  });

  it('treats a damaged entry as a miss and rewrites it', async () => {
    const inner = mockModel();
    const model = wrapWithCache(inner, dir);
    await generateText({ model, prompt: 'q' });
    const file = join(dir, files()[0]);
    writeFileSync(file, '{"format":1,"tex');
    const again = await generateText({ model, prompt: 'q' });
    expect(again.text).toBe('Osric Vell');
    expect(inner.doGenerateCalls).toHaveLength(2);
    expect(JSON.parse(readFileSync(file, 'utf8')).text).toBe('Osric Vell');
  });

  it('ignores a failing write (read-only cache) and still answers', async () => {
    const errors: unknown[] = [];
    const inner = mockModel();
    // A cache folder that is a file makes every write fail, whatever the key.
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'not a folder');
    const model = wrapWithCache(inner, blocked, { onWriteError: (e) => errors.push(e) });
    const r = await generateText({ model, prompt: 'q' });
    expect(r.text).toBe('Osric Vell');
    expect(errors).toHaveLength(1);
  });
});

/** A server behind one URL whose weights can be swapped: it reports `served.id` as the answering model. */
function swappableServer(served: { id: string }) {
  const answer = () => (served.id === 'llama-a.gguf' ? 'Osric Vell' : 'Maren Quist');
  return new MockLanguageModelV4({
    provider: 'local-llama.chat',
    modelId: 'default',
    doGenerate: async () => ({ content: [{ type: 'text', text: answer() }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [], response: { modelId: served.id } }),
    doStream: async () => ({
      stream: simulateReadableStream({
        chunks: [
          { type: 'stream-start', warnings: [] },
          { type: 'response-metadata', modelId: served.id },
          { type: 'text-start', id: '1' },
          { type: 'text-delta', id: '1', delta: answer() },
          { type: 'text-end', id: '1' },
          { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
        ] satisfies LanguageModelV4StreamPart[],
      }),
    }),
  });
}

describe('response cache: the model the server reports', () => {
  for (const mode of ['generate', 'stream'] as const) {
    it(`${mode}: another model behind the same URL and configured id never replays the old answers, and is warned about once`, async () => {
      const served = { id: 'llama-a.gguf' };
      const inner = swappableServer(served);
      const notices: string[] = [];
      const model = wrapWithCache(inner, dir, { namespace: 'http://127.0.0.1:8080/v1', onModelChange: (m) => notices.push(m) });
      const ask = async (prompt: string) => (mode === 'generate' ? (await generateText({ model, prompt })).text : await streamText({ model, prompt }).text);
      const calls = () => (mode === 'generate' ? inner.doGenerateCalls.length : inner.doStreamCalls.length);

      expect(await ask('q1')).toBe('Osric Vell');
      expect(await ask('q1')).toBe('Osric Vell');
      expect(calls()).toBe(1);
      const entry = JSON.parse(readFileSync(join(dir, files()[0]), 'utf8'));
      expect(entry.model).toEqual({ provider: 'local-llama.chat', modelId: 'default', reportedModelId: 'llama-a.gguf' });

      served.id = 'qwen-b.gguf'; // the server was restarted with other weights
      expect(await ask('q2')).toBe('Maren Quist'); // a live call notices the switch
      expect(notices).toEqual(['the server now reports model qwen-b.gguf for default (previously llama-a.gguf); cached answers of the previous model are not reused']);
      expect(await ask('q1')).toBe('Maren Quist'); // not the cached answer of llama-a
      expect(calls()).toBe(3);
      expect(await ask('q1')).toBe('Maren Quist'); // the new model's answers are cached in turn
      expect(await ask('q2')).toBe('Maren Quist');
      expect(calls()).toBe(3);
      expect(notices).toHaveLength(1);

      // Switching back is a change too: the first model's entries are valid again for it.
      served.id = 'llama-a.gguf';
      expect(await ask('q3')).toBe('Osric Vell');
      expect(await ask('q1')).toBe('Osric Vell');
      expect(calls()).toBe(4);
      expect(notices).toHaveLength(2);
    });
  }

  it('remembers the reported model on disk, per endpoint and configured model', async () => {
    const served = { id: 'llama-a.gguf' };
    await generateText({ model: wrapWithCache(swappableServer(served), dir, { namespace: 'http://host-1/v1' }), prompt: 'q' });
    const records = readdirSync(join(dir, 'served')).map((f) => JSON.parse(readFileSync(join(dir, 'served', f), 'utf8')));
    expect(records).toEqual([expect.objectContaining({ provider: 'local-llama.chat', modelId: 'default', reportedModelId: 'llama-a.gguf' })]);
    expect(JSON.stringify(records)).not.toContain('host-1'); // the endpoint is only hashed into the file name
  });
});
