/** What answerQuestion sends to a model and what it keeps of the reply. */
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/schema.js';
import type { Question } from '../dataset/schema.js';
import { answerQuestion } from './answer.js';

const q: Question = { id: 'q1', question: 'Who?', answers: ['X'], category: 'static', sourceDocIds: ['d'] };
const base = ConfigSchema.parse({ dataset: 'd' });

function model(usage: { input?: number; output?: number }, finish: 'stop' | 'length' = 'stop') {
  return new MockLanguageModelV4({
    modelId: 'configured',
    doGenerate: async () => ({
      content: [{ type: 'text', text: ' X ' }],
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
