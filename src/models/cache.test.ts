import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import { MockLanguageModelV3, simulateReadableStream } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheKey, entryPath, wrapWithCache } from './cache.js';

const usage = { inputTokens: { total: 7, noCache: 7, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 2, text: 2, reasoning: undefined } };

function mockModel(text = 'Osric Vell', streamParts?: LanguageModelV3StreamPart[]) {
  return new MockLanguageModelV3({
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

const files = () => readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.json'));

describe('cacheKey', () => {
  const base: LanguageModelV3CallOptions = { prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], temperature: 0, maxOutputTokens: 10 };
  const m = { provider: 'p', modelId: 'm' };

  it('is stable across key order and ignores headers and the abort signal', () => {
    const k = cacheKey(m, base);
    expect(cacheKey(m, { maxOutputTokens: 10, temperature: 0, prompt: base.prompt })).toBe(k);
    expect(cacheKey(m, { ...base, headers: { authorization: 'Bearer sk-secret-123456789' }, abortSignal: new AbortController().signal })).toBe(k);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with provider, model, prompt, each setting and the namespace', () => {
    const k = cacheKey(m, base);
    const variants: [typeof m, LanguageModelV3CallOptions, string?][] = [
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
    // A file where the shard folder should be makes every write fail.
    const key = cacheKey(inner, { prompt: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }] });
    mkdirSync(dirname(dirname(entryPath(dir, key))), { recursive: true });
    writeFileSync(dirname(entryPath(dir, key)), 'not a folder');
    const model = wrapWithCache(inner, dir, { onWriteError: (e) => errors.push(e) });
    const r = await generateText({ model, prompt: 'q' });
    expect(r.text).toBe('Osric Vell');
    expect(errors).toHaveLength(1);
  });
});
