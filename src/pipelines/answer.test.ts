/** What answerQuestion sends to a model and what it keeps of the reply. */
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/schema.js';
import type { Question } from '../dataset/schema.js';
import { answerQuestion } from './answer.js';

const q: Question = { id: 'q1', question: 'Who?', answers: ['X'], category: 'static', sourceDocIds: ['d'] };
const base = ConfigSchema.parse({ dataset: 'd' });

function model(usage: { input?: number; output?: number }, finish: 'stop' | 'length' = 'stop', text = ' X ') {
  return new MockLanguageModelV4({
    modelId: 'configured',
    doGenerate: async () => ({
      content: [{ type: 'text', text }],
      finishReason: { unified: finish, raw: finish },
      usage: { inputTokens: { total: usage.input, noCache: undefined, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: usage.output, text: undefined, reasoning: undefined } },
      response: { id: 'r', modelId: 'served-by-server', timestamp: new Date(0) },
      warnings: [],
    }),
  });
}

describe('answerQuestion', () => {
  it('passes topP, seed, stop sequences and provider options through to the model', async () => {
    const m = model({ input: 3, output: 1 });
    const generation = { ...base.generation, stream: false, topP: 0.9, seed: 7, stop: ['\n\n'], providerOptions: { openai: { reasoningEffort: 'low' } } };
    await answerQuestion({ name: 'p', modelRef: 'x:configured', model: m, retrieve: null }, q, { prompts: base.prompts, generation, abortSignal: new AbortController().signal });
    expect(m.doGenerateCalls[0]).toMatchObject({ topP: 0.9, seed: 7, stopSequences: ['\n\n'], providerOptions: { openai: { reasoningEffort: 'low' } } });
  });

  it('keeps finish reason and the model id the server reports; no usage is null, not 0', async () => {
    const generation = { ...base.generation, stream: false };
    const call = (m: MockLanguageModelV4) => answerQuestion({ name: 'p', modelRef: 'x:configured', model: m, retrieve: null }, q, { prompts: base.prompts, generation, abortSignal: new AbortController().signal });
    const a = await call(model({ input: 3, output: 1 }, 'length'));
    expect(a).toMatchObject({ text: 'X', tokens: { input: 3, output: 1 }, finishReason: 'length', responseModelId: 'served-by-server', error: null });
    expect((await call(model({}))).tokens).toBeNull();
  });

  it('renders a question without a date as asked on an unspecified date', async () => {
    const m = model({ input: 1, output: 1 });
    await answerQuestion({ name: 'p', modelRef: 'x:c', model: m, retrieve: null }, q, { prompts: base.prompts, generation: { ...base.generation, stream: false }, abortSignal: new AbortController().signal });
    expect(JSON.stringify(m.doGenerateCalls[0]!.prompt)).toContain('asked on an unspecified date');
  });
});

describe('answerQuestion: citations', () => {
  const chunk = (docId: string, title: string, text: string) => ({ id: `${docId}#0`, docId, title, text, index: 0 });
  const retrieve = async () => ({
    docIds: ['d', 'e'],
    chunks: [chunk('d', 'Dee', 'X is here.'), chunk('e', 'Eee', 'Other.')],
    timings: { embedMs: 1, searchMs: 1, embedCached: false },
  });
  const generation = { ...base.generation, stream: false };
  const ask = (m: MockLanguageModelV4, prompts = base.prompts, withRetrieval = true) =>
    answerQuestion({ name: 'p', modelRef: 'x:c', model: m, retrieve: withRetrieval ? retrieve : null }, q, { prompts, generation, abortSignal: new AbortController().signal, docIds: new Set(['d', 'e', 'z']) });

  it('shows each passage with its document id and asks for sources in the system prompt', async () => {
    const m = model({ input: 1, output: 1 });
    await ask(m);
    const sent = JSON.stringify(m.doGenerateCalls[0]!.prompt);
    expect(sent).toContain('[1] [d] Dee');
    expect(sent).toContain('[2] [e] Eee');
    expect(m.doGenerateCalls[0]!.prompt[0]).toMatchObject({ role: 'system', content: expect.stringContaining(base.prompts.cite as string) });
  });

  it('scores the answer without its sources part and keeps the cited ids apart', async () => {
    const a = await ask(model({ input: 1, output: 4 }, 'stop', 'X\nSources: [d], [z]'));
    expect(a).toMatchObject({ text: 'X', citations: ['d', 'z'], contextDocIds: ['d', 'e'] });
  });

  it('closed-book: nothing is shown, so every cited id is outside the context', async () => {
    const a = await ask(model({ input: 1, output: 4 }, 'stop', 'X [1]\nSources: [d]'), base.prompts, false);
    expect(a).toMatchObject({ text: 'X [1]', citations: ['d'], contextDocIds: [] });
  });

  it('with `cite: false` the prompt shows no ids and asks for none, and the text is kept whole', async () => {
    const m = model({ input: 1, output: 4 }, 'stop', 'X\nSources: [d]');
    const a = await ask(m, { ...base.prompts, cite: false });
    expect(JSON.stringify(m.doGenerateCalls[0]!.prompt)).toContain('[1] Dee');
    expect(m.doGenerateCalls[0]!.prompt[0]).toEqual({ role: 'system', content: base.prompts.system });
    expect(a).toMatchObject({ text: 'X\nSources: [d]', citations: null });
  });
});
