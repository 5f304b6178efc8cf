import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { generateText } from 'ai';
import { describe, expect, it } from 'vitest';
import { createLocalProvider } from './index.js';
import { parseUserPrompt, validOn } from './prompt.js';
import { formatContext } from '../../pipelines/prompt.js';

const USER = `Context:
[1] Veltrana (city) (valid 2024-01-05 to present)
The capital of Veltrana is Morvik.
It lies on a river.

[2] Other title (valid 2019-03-01 to 2031-02-01)
Some text.

Question (asked on 2031-05-01): Which city is the capital of Veltrana today?
Answer:`;

const options = (user: string, extra: Partial<LanguageModelV4CallOptions> = {}): LanguageModelV4CallOptions => ({
  prompt: [
    { role: 'system', content: 'Answer briefly.' },
    { role: 'user', content: [{ type: 'text', text: user }] },
  ],
  ...extra,
});

async function collect(stream: ReadableStream<LanguageModelV4StreamPart>): Promise<LanguageModelV4StreamPart[]> {
  const parts: LanguageModelV4StreamPart[] = [];
  for await (const p of stream) parts.push(p);
  return parts;
}

describe('prompt parsing', () => {
  it('reads question, asOf and passages with title, text and validity', () => {
    const p = parseUserPrompt(USER);
    expect(p.question).toBe('Which city is the capital of Veltrana today?');
    expect(p.asOf).toBe('2031-05-01');
    expect(p.passages).toEqual([
      { title: 'Veltrana (city)', text: 'The capital of Veltrana is Morvik.\nIt lies on a river.', validFrom: '2024-01-05', validTo: undefined },
      { title: 'Other title', text: 'Some text.', validFrom: '2019-03-01', validTo: '2031-02-01' },
    ]);
    expect(p.passages.map((x) => validOn(x, p.asOf))).toEqual([true, false]);
  });

  it('reads every validity note the pipelines write, "valid until" included', () => {
    const chunks = [
      { id: 'a#0', docId: 'a', title: 'Old', text: 'Was so.', validTo: '2020-01-01', index: 0 },
      { id: 'b#0', docId: 'b', title: 'Timeless', text: 'Is so.', index: 0 },
    ];
    const p = parseUserPrompt(`Context:\n${formatContext(chunks)}\n\nQuestion (asked on 2021-01-01): Q?\nAnswer:`);
    expect(p.passages).toEqual([
      { title: 'Old', text: 'Was so.', validFrom: undefined, validTo: '2020-01-01' },
      { title: 'Timeless', text: 'Is so.', validFrom: undefined, validTo: undefined },
    ]);
    expect(p.passages.map((x) => validOn(x, p.asOf))).toEqual([false, true]);
  });

  it('reads the document id a header shows into docId, leaving the title as it was', () => {
    const chunks = [{ id: 'city-v#0', docId: 'city-v.2', title: 'Veltrana (city)', text: 'Is so.', validFrom: '2024-01-05', index: 0 }];
    const p = parseUserPrompt(`Context:\n${formatContext(chunks, { ids: true })}\n\nQuestion (asked on 2031-05-01): Q?\nAnswer:`);
    expect(p.passages).toEqual([{ title: 'Veltrana (city)', docId: 'city-v.2', text: 'Is so.', validFrom: '2024-01-05', validTo: undefined }]);
  });

  it('is tolerant: no Context block means no context; no Question line means the whole text', () => {
    expect(parseUserPrompt('Question (asked on 2030-01-01): Who?\nAnswer:')).toEqual({ question: 'Who?', asOf: '2030-01-01', passages: [] });
    expect(parseUserPrompt('[1] Not a passage\nWhat is up?')).toEqual({ question: '[1] Not a passage\nWhat is up?', asOf: undefined, passages: [] });
    expect(parseUserPrompt('Context:\n[1] Bare title\n\nQuestion: Why?').passages).toEqual([{ title: 'Bare title', text: '', validFrom: undefined, validTo: undefined }]);
  });
});

describe('local provider', () => {
  const provider = createLocalProvider({ finetunes: { 'ft-missing': '/nonexistent/ragvft-ft' } });

  it('exposes spec v3 models', () => {
    const m = provider.languageModel('reader');
    expect(m).toMatchObject({ specificationVersion: 'v4', provider: 'local', modelId: 'reader', supportedUrls: {} });
  });

  it('rejects unknown ids, listing the known ones', () => {
    expect(() => provider.languageModel('gpt-5')).toThrow(/unknown local model "gpt-5".*"reader", "ft-missing"/);
  });

  it('loads fine-tune weights lazily: a bad directory fails on the first call, not on creation', async () => {
    const m = provider.languageModel('ft-missing');
    await expect(m.doGenerate(options(USER))).rejects.toThrow(/cannot load local fine-tune weights/);
  });

  it('doGenerate returns text, stop, usage of all prompt text and a response id', async () => {
    const r = await provider.languageModel('reader').doGenerate(options(USER, { temperature: 1.5 }));
    expect(r.content).toEqual([{ type: 'text', text: 'Morvik' }]);
    expect(r.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
    expect(r.usage.inputTokens).toMatchObject({ cacheRead: 0, cacheWrite: 0 });
    expect(r.usage.inputTokens.total).toBe(r.usage.inputTokens.noCache);
    expect(r.usage.inputTokens.total).toBeGreaterThan(40);
    expect(r.usage.outputTokens).toEqual({ total: 1, text: 1, reasoning: 0 });
    expect(r.warnings).toEqual([]);
    // Deterministic, temperature ignored.
    const again = await provider.languageModel('reader').doGenerate(options(USER));
    expect(again.content).toEqual(r.content);
    expect(again.response?.id).toBe(r.response?.id);
  });

  it('doStream emits the parts in order', async () => {
    const { stream } = await provider.languageModel('reader').doStream(options(USER.replace('Which city is the capital', 'What is the capital')));
    const parts = await collect(stream);
    expect(parts.map((p) => p.type)).toEqual(['stream-start', 'response-metadata', 'text-start', 'text-delta', 'text-end', 'finish']);
    expect(parts[0]).toEqual({ type: 'stream-start', warnings: [] });
    const finish = parts.at(-1) as Extract<LanguageModelV4StreamPart, { type: 'finish' }>;
    expect(finish.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
    expect(finish.usage.outputTokens.total).toBe(1);
  });

  it('cuts the answer at maxOutputTokens with finishReason length', async () => {
    const closed = "Question (asked on 2031-05-01): Who?\nAnswer:";
    const r = await provider.languageModel('reader').doGenerate(options(closed, { maxOutputTokens: 2 }));
    expect(r.content).toEqual([{ type: 'text', text: 'I don' }]);
    expect(r.finishReason.unified).toBe('length');
    expect(r.usage.outputTokens.total).toBe(2);
  });

  it('honours abortSignal in doGenerate and in the stream', async () => {
    const model = provider.languageModel('reader');
    await expect(model.doGenerate(options(USER, { abortSignal: AbortSignal.abort() }))).rejects.toThrow();
    const ctrl = new AbortController();
    const { stream } = await model.doStream(options(USER, { abortSignal: ctrl.signal }));
    const reader = stream.getReader();
    expect((await reader.read()).value?.type).toBe('stream-start');
    ctrl.abort(new Error('stop now'));
    await expect(reader.read()).rejects.toThrow('stop now');
  });

  it('cites the passage it answered from when the context shows document ids, and nothing when it abstains', async () => {
    const withIds = USER.replace('[1] Veltrana', '[1] [city-veltrana] Veltrana').replace('[2] Other', '[2] [other-doc] Other');
    const reader = provider.languageModel('reader');
    expect((await reader.doGenerate(options(withIds))).content).toEqual([{ type: 'text', text: 'Morvik\nSources: [city-veltrana]' }]);
    const unknown = withIds.replace('Which city is the capital of Veltrana today?', 'Who painted the harbour mural?');
    expect((await reader.doGenerate(options(unknown))).content).toEqual([{ type: 'text', text: "I don't know" }]);
  });

  it('works through generateText with an abort signal that never fires', async () => {
    const r = await generateText({ model: provider.languageModel('reader'), prompt: USER, abortSignal: new AbortController().signal });
    expect(r.text).toBe('Morvik');
  });
});
