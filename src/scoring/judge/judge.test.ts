/**
 * The judge against the real AI SDK clients on a loopback OpenAI-compatible server, with a
 * scripted judge model: what it replies is fixed per graded answer, so every outcome is known.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAIServer, type OpenAIServer, type PromptInfo } from '../../../test/helpers/openai-server.js';
import { wrapWithCache } from '../../models/cache.js';
import { createJudge, DEFAULT_JUDGE_PROMPT, type JudgeInput } from './judge.js';
import { JudgeConfigSchema } from './schema.js';

/** The graded answer, as the default prompt embeds it. */
const gradedAnswer = (p: PromptInfo) => /<answer>\n([\s\S]*?)\n<\/answer>/.exec(p.user)?.[1] ?? '';

const REPLIES: Record<string, string> = {
  'Nadia Ferro': '{"reason":"matches gold","verdict":"correct","matchesStale":false}',
  'The mayor is Nadia Ferro.': '{"reason":"sentence with the gold name","verdict":"correct","matchesStale":false}',
  'Bruno Ott': '{"verdict":"incorrect","matchesStale":false}',
  'Shouting enum': '{"reason":"x","verdict":"INCORRECT","matchesStale":false}',
  'Free text': 'CORRECT!',
  'Refuse me': "I'm sorry, but I can't help with grading this.",
  'Stale name': '{"reason":"old mayor","verdict":"correct","matchesStale":true}',
  'Missing key': '{"reason":"x","verdict":"correct"}',
  'Label words': '{"reason":"x","verdict":"WRONG","matchesStale":false}',
  Filtered: '',
};

let server: OpenAIServer;
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ragvft-judge-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(async () => {
  server = await startOpenAIServer({
    answer: (p) => REPLIES[gradedAnswer(p)] ?? '{"reason":"unknown","verdict":"incorrect","matchesStale":false}',
    omitUsage: (p) => gradedAnswer(p) === 'No usage',
    finishReason: (p) => (gradedAnswer(p) === 'Filtered' ? 'content_filter' : undefined),
  });
  REPLIES['No usage'] = '{"reason":"x","verdict":"correct","matchesStale":false}';
});
afterEach(async () => server.close());

const compat = (structured = false): LanguageModelV4 =>
  createOpenAICompatible({ name: 'loop', baseURL: server.url, apiKey: 'k', includeUsage: true, ...(structured ? { supportsStructuredOutputs: true } : {}) }).chatModel('judge-m');

const input = (answer: string, extra: Partial<JudgeInput> = {}): JudgeInput => ({
  question: 'Who is the mayor of Orsk?',
  goldAnswers: ['Nadia Ferro'],
  answer,
  category: 'static',
  ...extra,
});

describe('createJudge on the loopback server', () => {
  it('returns correct verdicts for a paraphrase and a sentence answer, with token counts', async () => {
    const judge = createJudge({ model: compat(), maxRetries: 0 });
    const a = await judge.judge(input('Nadia Ferro'));
    expect(a).toMatchObject({ ok: true, verdict: 'correct', correct: true, matchesStale: false, cached: false, finishReason: 'stop', reason: 'matches gold' });
    // Server tokens = words: system + user in, reply words out.
    const req = server.requests[0]!.body as { messages: { role: string; content: string }[]; response_format: unknown; temperature: number };
    const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
    const inWords = words(req.messages.map((m) => m.content).join(' '));
    expect(a.tokens).toEqual({ input: inWords, output: words(REPLIES['Nadia Ferro']!) });
    expect(req.temperature).toBe(0);
    // Without supportsStructuredOutputs the openai-compatible client asks for a JSON object and
    // the schema is enforced client-side; the system message carries the contract.
    expect(req.response_format).toEqual({ type: 'json_object' });
    expect(req.messages[0]).toMatchObject({ role: 'system' });
    expect(req.messages[0]!.content).toContain('"verdict" (exactly one of "correct", "incorrect", "abstained"');
    const b = await judge.judge(input('The mayor is Nadia Ferro.'));
    expect(b).toMatchObject({ ok: true, verdict: 'correct', correct: true });
  });

  it('sends a JSON schema (all keys required, label enum) when the client supports structured outputs', async () => {
    const judge = createJudge({ model: compat(true), maxRetries: 0 });
    await judge.judge(input('Nadia Ferro'));
    const rf = (server.requests[0]!.body as { response_format: { type: string; json_schema: { name: string; strict: boolean; schema: Record<string, unknown> } } }).response_format;
    expect(rf.type).toBe('json_schema');
    expect(rf.json_schema.name).toBe('verdict');
    expect(rf.json_schema.strict).toBe(true);
    expect(rf.json_schema.schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['reason', 'verdict', 'matchesStale'],
      properties: { verdict: { enum: ['correct', 'incorrect', 'abstained'] }, matchesStale: { type: 'boolean' } },
    });
  });

  it('works through the OpenAI Responses API client too (text.format json_schema)', async () => {
    const judge = createJudge({ model: createOpenAI({ baseURL: server.url, apiKey: 'k' })('gpt-4o-mini') as LanguageModelV4, maxRetries: 0 });
    expect(await judge.judge(input('Bruno Ott'))).toMatchObject({ ok: true, verdict: 'incorrect', correct: false });
    expect(server.requests[0]!.path).toBe('/v1/responses');
    expect((server.requests[0]!.body as { text: { format: { type: string } } }).text.format.type).toBe('json_schema');
  });

  it('"incorrect" is never read as correct; a missing reason is accepted', async () => {
    const out = await createJudge({ model: compat(), maxRetries: 0 }).judge(input('Bruno Ott'));
    expect(out).toMatchObject({ ok: true, verdict: 'incorrect', correct: false });
    expect(out.ok && 'reason' in out).toBe(false);
  });

  it('an invalid enum ("INCORRECT"), free text ("CORRECT!") or a missing key is a judge error, never a pass', async () => {
    const judge = createJudge({ model: compat(), maxRetries: 0 });
    const shouting = await judge.judge(input('Shouting enum'));
    expect(shouting.ok).toBe(false);
    if (!shouting.ok) {
      expect(shouting.error.kind).toBe('judge-unparseable');
      expect(shouting.error.message).toMatch(/schema violation/);
      expect(shouting.tokens).not.toBeNull(); // the call was billed even though it failed
    }
    const free = await judge.judge(input('Free text'));
    expect(free).toMatchObject({ ok: false, error: { kind: 'judge-unparseable' } });
    if (!free.ok) expect(free.error.message).toMatch(/not JSON.*CORRECT!/);
    expect(await judge.judge(input('Missing key'))).toMatchObject({ ok: false, error: { kind: 'judge-unparseable' } });
    for (const o of [shouting, free]) expect('correct' in o).toBe(false);
  });

  it('a refusal and a content-filtered reply are judge-refused errors', async () => {
    const judge = createJudge({ model: compat(), maxRetries: 0 });
    expect(await judge.judge(input('Refuse me'))).toMatchObject({ ok: false, error: { kind: 'judge-refused' } });
    expect(await judge.judge(input('Filtered'))).toMatchObject({ ok: false, error: { kind: 'judge-refused' } });
  });

  it('a failed call is a judge-call error; missing usage gives tokens null, not 0', async () => {
    const judge = createJudge({ model: compat(), maxRetries: 0 });
    server.setFaults([{ kind: 'status', status: 500 }]);
    const failed = await judge.judge(input('Nadia Ferro'));
    expect(failed).toMatchObject({ ok: false, error: { kind: 'judge-call' }, tokens: null });
    const noUsage = await judge.judge(input('No usage'));
    expect(noUsage).toMatchObject({ ok: true, correct: true, tokens: null });
  });

  it('a cut reply (maxOutputTokens) is unparseable, not a pass', async () => {
    // The server truncates to max_tokens words: 2 words of the JSON object is broken JSON.
    const out = await createJudge({ model: compat(), maxRetries: 0, maxOutputTokens: 2 }).judge(input('The mayor is Nadia Ferro.'));
    expect(out).toMatchObject({ ok: false, error: { kind: 'judge-unparseable' } });
    if (!out.ok) expect(out.error.message).toMatch(/maxOutputTokens=2/);
  });

  it('matchesStale only counts for updated questions with stale answers', async () => {
    const judge = createJudge({ model: compat(), maxRetries: 0 });
    const updated = await judge.judge(input('Stale name', { category: 'updated', staleAnswers: ['Old Mayor'] }));
    expect(updated).toMatchObject({ ok: true, verdict: 'correct', matchesStale: true, correct: false });
    const stat = await judge.judge(input('Stale name', { category: 'static' }));
    expect(stat).toMatchObject({ ok: true, verdict: 'correct', matchesStale: false, correct: true });
  });

  it('label overrides are shown to the judge and mapped back; other spellings fail', async () => {
    const judge = createJudge({ model: compat(true), maxRetries: 0, labels: { correct: 'CORRECT', incorrect: 'WRONG', abstained: 'NOT_ATTEMPTED' } });
    expect(await judge.judge(input('Label words'))).toMatchObject({ ok: true, verdict: 'incorrect', correct: false });
    const schema = (server.requests[0]!.body as { response_format: { json_schema: { schema: { properties: { verdict: { enum: string[] } } } } } }).response_format.json_schema.schema;
    expect(schema.properties.verdict.enum).toEqual(['CORRECT', 'WRONG', 'NOT_ATTEMPTED']);
    expect(server.requests[0]!.body).toMatchObject({ messages: [{ content: expect.stringContaining('"NOT_ATTEMPTED"') }, {}] });
    // "correct" is not a label word under this override.
    expect((await judge.judge(input('Nadia Ferro'))).ok).toBe(false);
    expect(() => createJudge({ model: compat(), labels: { correct: 'yes', incorrect: 'YES' } })).toThrow(/must differ/);
  });

  it('goes through the response cache: the second identical call is served from disk, marked cached', async () => {
    const judge = createJudge({ model: wrapWithCache(compat(), join(tmp, 'cache'), { namespace: server.url }), maxRetries: 0 });
    const first = await judge.judge(input('Nadia Ferro'));
    const second = await judge.judge(input('Nadia Ferro'));
    expect(first).toMatchObject({ ok: true, cached: false });
    expect(second).toMatchObject({ ok: true, cached: true, correct: true, tokens: first.ok ? first.tokens : null });
    expect(server.requests).toHaveLength(1);
  });

  it('an unparseable reply served from the response cache is a judge error marked cached', async () => {
    const judge = createJudge({ model: wrapWithCache(compat(), join(tmp, 'cache'), { namespace: server.url }), maxRetries: 0 });
    const first = await judge.judge(input('Free text'));
    const second = await judge.judge(input('Free text'));
    expect(first).toMatchObject({ ok: false, cached: false, error: { kind: 'judge-unparseable' } });
    expect(second).toMatchObject({ ok: false, cached: true, error: { kind: 'judge-unparseable' } });
    expect(server.requests).toHaveLength(1);
  });

  it('renders gold, stale and answer into a custom template; fingerprint follows the prompt', () => {
    const a = createJudge({ model: compat(), prompt: 'Q={{question}} G={{gold}} S={{stale}} A={{answer}} L={{correct}}' });
    expect(a.render(input('x', { goldAnswers: ['A', 'B "b"'], staleAnswers: [] })).prompt).toBe('Q=Who is the mayor of Orsk? G="A"; "B \\"b\\"" S=(none) A=x L=correct');
    const b = createJudge({ model: compat() });
    expect(a.fingerprint).not.toBe(b.fingerprint);
    expect(b.fingerprint).toBe(createJudge({ model: compat() }).fingerprint);
    expect(b.render(input('x')).prompt).toContain('vague but on topic');
    expect(DEFAULT_JUDGE_PROMPT).toContain('hedges between several candidates');
  });

  it('JudgeConfigSchema: defaults, strict keys, model ref', () => {
    expect(JudgeConfigSchema.parse({ model: 'loop:m' })).toEqual({ model: 'loop:m', concurrency: 2, maxOutputTokens: 256 });
    expect(JudgeConfigSchema.safeParse({ model: 'nocolon' }).success).toBe(false);
    expect(JudgeConfigSchema.safeParse({ model: 'a:b', extra: 1 }).success).toBe(false);
  });
});
