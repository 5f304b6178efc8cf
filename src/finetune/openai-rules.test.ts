import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { type FinetuneExample, FinetuneExampleSchema } from '../dataset/schema.js';
import { InputError } from '../util/errors.js';
import { autoEpochs, checkForOpenAI, exampleTokens, MIN_EXAMPLES, maxExampleTokens, uploadJsonl } from './openai-rules.js';

const ex = (i: number, extra: object = {}): FinetuneExample =>
  FinetuneExampleSchema.parse({ messages: [{ role: 'user', content: `Who founded town ${i}?` }, { role: 'assistant', content: `Founder ${i}` }], ...extra });
const many = (n: number) => Array.from({ length: n }, (_, i) => ex(i));

describe('OpenAI fine-tuning rules', () => {
  it('counts tokens as the cookbook does: 3 per message, role and content, 3 for the reply', () => {
    const e = ex(1);
    const expected = 3 + e.messages.reduce((n, m) => n + 3 + countTokens(m.role) + countTokens(m.content), 0);
    expect(exampleTokens(e, 'gpt-4o-mini-2024-07-18')).toBe(expected);
  });

  it('needs at least the minimum number of examples', () => {
    expect(() => checkForOpenAI(many(MIN_EXAMPLES - 1), 'ft.jsonl', 'gpt-4o-mini-2024-07-18')).toThrow(/at least 10/);
    expect(checkForOpenAI(many(MIN_EXAMPLES), 'ft.jsonl', 'gpt-4o-mini-2024-07-18').examples).toBe(MIN_EXAMPLES);
  });

  it('names the line of an example over the per-example token limit, which config can change', () => {
    const data = many(12);
    const limit = Math.max(...data.map((e) => exampleTokens(e, 'gpt-4o-mini-2024-07-18')));
    data[4] = ex(999, { messages: [{ role: 'user', content: 'word '.repeat(200) }, { role: 'assistant', content: 'ok' }] });
    expect(checkForOpenAI(data, 'ft.jsonl', 'gpt-4o-mini-2024-07-18').maxTokens).toBeGreaterThan(limit);
    expect(() => checkForOpenAI(data, 'ft.jsonl', 'gpt-4o-mini-2024-07-18', limit)).toThrow(/ft\.jsonl, line 5: \d+ tokens, over the \d+-token limit/);
    expect(maxExampleTokens('gpt-4o-mini-2024-07-18')).toBe(65_536);
    expect(maxExampleTokens('gpt-3.5-turbo-0125')).toBeLessThan(maxExampleTokens('gpt-4o-mini-2024-07-18'));
  });

  it('refuses an example whose assistant turns all carry weight 0, and weights on other roles', () => {
    const data = many(11);
    data[2] = ex(2, { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a', weight: 0 }] });
    expect(() => checkForOpenAI(data, 'ft.jsonl', 'gpt-4o-mini-2024-07-18')).toThrow(InputError);
    expect(() => checkForOpenAI(data, 'ft.jsonl', 'gpt-4o-mini-2024-07-18')).toThrow(/line 3.*weight 0/);
    expect(FinetuneExampleSchema.safeParse({ messages: [{ role: 'user', content: 'q', weight: 1 }, { role: 'assistant', content: 'a' }] }).success).toBe(false);
  });

  it('uploads messages only: provenance and access marks stay home', () => {
    const lines = uploadJsonl([ex(1, { sourceDocIds: ['doc-1'], restricted: true })]).trim().split('\n');
    expect(lines.map((l) => Object.keys(JSON.parse(l) as object))).toEqual([['messages']]);
  });

  it('estimates auto epochs with OpenAI\'s heuristic (3, more for small sets, fewer for huge ones)', () => {
    expect(autoEpochs(12)).toBe(Math.ceil(100 / 12));
    expect(autoEpochs(1000)).toBe(3);
    expect(autoEpochs(20_000)).toBe(1);
    expect(autoEpochs(1)).toBe(25);
  });
});
