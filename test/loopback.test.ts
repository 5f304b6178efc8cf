/**
 * The real AI SDK clients (`@ai-sdk/openai-compatible` chat, `@ai-sdk/openai` Responses API)
 * against a local OpenAI-compatible server on 127.0.0.1, with injected faults. Covers what a
 * benchmark against paid, rate-limited, flaky APIs needs: retries that honour Retry-After,
 * bounded attempts, timeouts, error kinds, the response cache, crash-safe journals and no
 * leaked keys.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { generateText, RetryError, streamText } from 'ai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Question } from '../src/dataset/schema.js';
import { wrapWithCache } from '../src/models/cache.js';
import { classifyError, describeError, explainAbort } from '../src/models/errors.js';
import { answerQuestion } from '../src/pipelines/answer.js';
import { toRecord, type ScoringContext } from '../src/pipelines/run.js';
import type { PipelineSpec } from '../src/pipelines/types.js';
import { createApiEmbedder } from '../src/retrieval/embedding/api-embedder.js';
import { createJournal, openJournal, readJournal } from '../src/run/journal.js';
import { createAbstentionDetector } from '../src/scoring/abstention.js';
import { registerSecret } from '../src/util/redact.js';
import { defaultAnswer, startOpenAIServer, type OpenAIServer } from './helpers/openai-server.js';

const FAKE_KEY = 'sk-ragvft-TEST-DO-NOT-LEAK-1234567890';
/** A key with no `sk-` shape, so only registerSecret can catch it. */
const PLAIN_KEY = 'ragvft-plain-TEST-DO-NOT-LEAK-0987654321';
const TIMEOUT_MS = 300;
const SCORING: ScoringContext = { primary: 'lenient', isAbstention: createAbstentionDetector() };

const SYSTEM = 'Answer briefly.';
const PROMPT = 'Who is the mayor of Orsk?';
const expectedAnswer = (model: string, user = PROMPT, system: string | undefined = SYSTEM) => defaultAnswer({ model, system, user });
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ragvft-loopback-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let server: OpenAIServer;
beforeEach(async () => {
  server = await startOpenAIServer({ chunkDelayMs: 5 });
});
afterEach(async () => {
  await server.close();
});

const compatModel = (apiKey = FAKE_KEY) => createOpenAICompatible({ name: 'loop', baseURL: server.url, apiKey, includeUsage: true }).chatModel('m');
const openaiModel = (apiKey = FAKE_KEY) => createOpenAI({ baseURL: server.url, apiKey })('gpt-4o-mini') as LanguageModelV4;

const CLIENTS = [
  { name: 'openai-compatible chat', model: compatModel, modelId: 'm', path: '/v1/chat/completions' },
  { name: 'openai responses', model: openaiModel, modelId: 'gpt-4o-mini', path: '/v1/responses' },
] as const;

/** Runs streamText to the end and returns the first error the stream reported, if any. */
async function streamToEnd(model: LanguageModelV4, extra: Partial<Parameters<typeof streamText>[0]> = {}) {
  let error: unknown = null;
  const result = streamText({ model, system: SYSTEM, prompt: PROMPT, maxRetries: 0, ...extra, onError: ({ error: e }) => void (error ??= e) } as Parameters<typeof streamText>[0]);
  let text = '';
  try {
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') text += part.text;
      if (part.type === 'error') error ??= part.error;
    }
  } catch (err) {
    error ??= err;
  }
  return { result, text, error };
}

async function generateError(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe.each(CLIENTS)('$name against the loopback server', ({ model, modelId, path }) => {
  it('answers JSON with the server usage and sends the key as a bearer token', async () => {
    const r = await generateText({ model: model(), system: SYSTEM, prompt: PROMPT, maxRetries: 0 });
    expect(r.text).toBe(expectedAnswer(modelId));
    expect(r.usage.inputTokens).toBe(words(`${SYSTEM} ${PROMPT}`));
    expect(r.usage.outputTokens).toBe(words(r.text));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].path).toBe(path);
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${FAKE_KEY}`);
  });

  it('streams SSE with usage from the final chunk', async () => {
    const { result, text, error } = await streamToEnd(model());
    expect(error).toBeNull();
    expect(text).toBe(expectedAnswer(modelId));
    const usage = await result.usage;
    expect(usage.inputTokens).toBe(words(`${SYSTEM} ${PROMPT}`));
    expect(usage.outputTokens).toBe(words(text));
    expect((server.requests[0].body as { stream?: boolean }).stream).toBe(true);
  });

  it('retries a 429 after Retry-After: 0 and succeeds with exactly two requests', async () => {
    server.setFaults([{ kind: 'status', status: 429, retryAfter: '0' }]);
    const r = await generateText({ model: model(), system: SYSTEM, prompt: PROMPT, maxRetries: 2 });
    expect(r.text).toBe(expectedAnswer(modelId));
    expect(server.requests).toHaveLength(2);
  });

  it('survives two 500s with maxRetries 2', async () => {
    // Retry-After 0 keeps the test fast; without it the SDK backs off 2 s, then 4 s.
    server.setFaults([
      { kind: 'status', status: 500, retryAfter: '0' },
      { kind: 'status', status: 503, retryAfterMs: '0' },
    ]);
    const { text, error } = await streamToEnd(model(), { maxRetries: 2 });
    expect(error).toBeNull();
    expect(text).toBe(expectedAnswer(modelId));
    expect(server.requests).toHaveLength(3);
  });

  it('gives up on a persistent 429 after a bounded number of attempts: rate-limit', async () => {
    server.setFaults(() => ({ kind: 'status', status: 429, retryAfter: '0' }));
    const err = await generateError(generateText({ model: model(), prompt: PROMPT, maxRetries: 2 }));
    expect(RetryError.isInstance(err)).toBe(true);
    expect(classifyError(err)).toBe('rate-limit');
    expect(server.requests).toHaveLength(3);
  });

  it('classifies a response slower than the timeout as timeout (abortSignal and timeout option)', async () => {
    // The server holds every answer far beyond any test timeout: a call that returns at all was
    // ended by its own deadline, not by waiting the delay out (no clock read, nothing to flake).
    server.setFaults(() => ({ kind: 'delay', ms: 600_000 }));
    // Not retried: a timeout is the caller's deadline, so each call makes at most one request
    // (at most, not exactly: on a stalled machine the deadline may pass before the request is sent).
    const attempts = async <T>(call: () => Promise<T>): Promise<T> => {
      const before = server.requests.length;
      const out = await call();
      expect(server.requests.length - before).toBeLessThanOrEqual(1);
      return out;
    };
    const viaSignal = await attempts(() => generateError(generateText({ model: model(), prompt: PROMPT, maxRetries: 2, abortSignal: AbortSignal.timeout(TIMEOUT_MS) })));
    expect(classifyError(viaSignal)).toBe('timeout');
    const viaOption = await attempts(() => generateError(generateText({ model: model(), prompt: PROMPT, maxRetries: 2, timeout: TIMEOUT_MS })));
    expect(classifyError(viaOption)).toBe('timeout');
    // streamText reports an abort as an 'abort' part, not an error: the result promises reject.
    const streamErr = await attempts(async () => {
      const s = await streamToEnd(model(), { abortSignal: AbortSignal.timeout(TIMEOUT_MS) });
      return s.error ?? (await s.result.text.then(() => null, (e: unknown) => e));
    });
    expect(classifyError(streamErr)).toBe('timeout');
    expect(server.requests.every((r) => r.fault?.kind === 'delay')).toBe(true);
  });

  it('classifies malformed JSON and a malformed SSE event as bad-response', async () => {
    server.setFaults([{ kind: 'malformed' }]);
    expect(classifyError(await generateError(generateText({ model: model(), prompt: PROMPT, maxRetries: 2 })))).toBe('bad-response');
    expect(server.requests).toHaveLength(1); // not retryable
    server.setFaults([{ kind: 'malformed' }]);
    const { error } = await streamToEnd(model());
    expect(classifyError(error)).toBe('bad-response');
  });

  it('classifies a stream cut in the middle as server (dropped connection, not a bad format)', async () => {
    server.setFaults([{ kind: 'cut-stream', afterChunks: 3 }]);
    const { text, error } = await streamToEnd(model());
    expect(error).not.toBeNull();
    expect(text.length).toBeGreaterThan(0); // some tokens arrived before the cut
    expect(classifyError(error)).toBe('server');
    server.setFaults([{ kind: 'cut-stream', afterChunks: 1 }]);
    expect(classifyError(await generateError(generateText({ model: model(), prompt: PROMPT, maxRetries: 0 })))).toBe('server');
  });
});

describe('the loopback server itself', () => {
  it('truncates at max tokens with finish reason length', async () => {
    const r = await generateText({ model: compatModel(), system: SYSTEM, prompt: PROMPT, maxOutputTokens: 2, maxRetries: 0 });
    expect(r.text).toBe(expectedAnswer('m').split(' ').slice(0, 2).join(' '));
    expect(r.finishReason).toBe('length');
  });

  it('closes promptly with a delayed response pending, leaving no timer behind', async () => {
    // Fake setTimeout: the server's delay timer never fires on its own, so a close() that waited
    // for the delayed response would never resolve, and the pending timers can be counted.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const s = await startOpenAIServer({ faults: () => ({ kind: 'delay', ms: 60_000 }) });
      const pending = fetch(`${s.url}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [] }) }).then(
        () => 'answered',
        () => 'failed',
      );
      while (s.requests.length === 0) await new Promise((r) => setImmediate(r));
      const timersWhilePending = vi.getTimerCount(); // the delay, plus any of the HTTP client's own
      expect(timersWhilePending).toBeGreaterThanOrEqual(1);
      await s.close();
      expect(await pending).toBe('failed');
      expect(vi.getTimerCount()).toBeLessThan(timersWhilePending); // the delay timer was cleared, not left to fire
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('answerQuestion over the real clients', () => {
  const q: Question = { id: 'q1', question: PROMPT, answers: ['Osric Vell'], asOf: '2031-06-01', category: 'updated', sourceDocIds: [] } as unknown as Question;
  const prompts = { system: SYSTEM, closedBook: '{{question}}', withContext: '{{context}}\n{{question}}', cite: false as const };
  const spec = (model: LanguageModelV4): PipelineSpec => ({ name: 'closed-book', modelRef: 'loop:m', model, retrieve: null });
  const ask = (model: LanguageModelV4, o: { stream: boolean; maxRetries?: number; timeoutMs?: number }) =>
    answerQuestion(spec(model), q, {
      prompts,
      generation: { maxOutputTokens: 64, temperature: 0, stream: o.stream, maxRetries: o.maxRetries ?? 0 },
      abortSignal: AbortSignal.timeout(o.timeoutMs ?? 5_000),
    });

  it.each(CLIENTS)('streams with time to first token and server usage ($name)', async ({ model, modelId }) => {
    const a = await ask(model(), { stream: true });
    expect(a.error).toBeNull();
    expect(a.text).toBe(expectedAnswer(modelId));
    expect(a.latencyMs.firstToken).not.toBeNull();
    expect(a.latencyMs.firstToken!).toBeLessThanOrEqual(a.latencyMs.generate!);
    expect(a.tokens).toEqual({ input: words(`${SYSTEM} ${PROMPT}`), output: words(a.text!) });
    expect(a.cached).toBe(false);
  });

  it('retries a 429 (maxRetries from generation) and answers', async () => {
    server.setFaults([{ kind: 'status', status: 429, retryAfter: '0' }]);
    const a = await ask(compatModel(), { stream: false, maxRetries: 1 });
    expect(a.error).toBeNull();
    expect(server.requests).toHaveLength(2);
  });

  // Requests made with maxRetries 2, streaming and not: a body cut after the headers arrived is
  // retried by generateText (the body is read inside the retry) but not by streamText.
  // (The cut is retried without Retry-After, i.e. after 2 s of backoff: that case runs with maxRetries 1
  // and a longer deadline.)
  it.each([
    { label: 'persistent 429', fault: () => ({ kind: 'status', status: 429, retryAfter: '0' }) as const, kind: 'rate-limit', requests: [3, 3] },
    { label: 'persistent 500', fault: () => ({ kind: 'status', status: 500, retryAfter: '0' }) as const, kind: 'server', requests: [3, 3] },
    { label: 'slow response', fault: () => ({ kind: 'delay', ms: 3_000 }) as const, kind: 'timeout', requests: [1, 1] },
    { label: 'malformed JSON', fault: () => ({ kind: 'malformed' }) as const, kind: 'bad-response', requests: [1, 1] },
    { label: 'cut stream', fault: () => ({ kind: 'cut-stream', afterChunks: 3 }) as const, kind: 'server', requests: [1, 2], maxRetries: 1, timeoutMs: 5_000 },
  ])('records $label as an error of kind $kind and the run can go on', async ({ fault, kind, requests, maxRetries, timeoutMs }) => {
    server.setFaults(fault);
    for (const [i, stream] of [true, false].entries()) {
      const before = server.requests.length;
      const a = await ask(compatModel(), { stream, maxRetries: maxRetries ?? 2, timeoutMs: timeoutMs ?? TIMEOUT_MS });
      const record = toRecord(q, 'closed-book', a, { input: 1, output: 1 }, SCORING);
      expect(record.error?.kind, `stream=${stream}`).toBe(kind);
      expect(record.answer).toBeNull();
      expect(record.costUsd).toBe(0);
      expect(server.requests.length - before, `stream=${stream}`).toBe(requests[i]);
    }
    // The run goes on: the next question is answered.
    server.setFaults(undefined);
    expect((await ask(compatModel(), { stream: true })).error).toBeNull();
  });
});

describe('a deadline that expires during retry backoff', () => {
  it('is a timeout once explainAbort asks the signal why', async () => {
    // A 500 without Retry-After: the SDK waits 2 s before retrying; the 300 ms deadline ends the wait.
    server.setFaults(() => ({ kind: 'status', status: 500 }));
    const signal = AbortSignal.timeout(TIMEOUT_MS);
    const err = await generateError(generateText({ model: compatModel(), prompt: PROMPT, maxRetries: 2, abortSignal: signal }));
    expect(classifyError(err)).toBe('aborted'); // what the SDK's error alone says
    expect(classifyError(explainAbort(err, signal))).toBe('timeout');
    expect(server.requests).toHaveLength(1);
    // A user abort stays an abort.
    const user = new AbortController();
    setTimeout(() => user.abort(), 100);
    const err2 = await generateError(generateText({ model: compatModel(), prompt: PROMPT, maxRetries: 2, abortSignal: user.signal }));
    expect(classifyError(explainAbort(err2, user.signal))).toBe('aborted');
  });
});

describe('response cache against the real clients', () => {
  const cacheFiles = (dir: string) => listFiles(dir).filter((f) => f.endsWith('.json'));

  it.each(CLIENTS)('serves a repeated call from disk with zero requests ($name)', async ({ model }) => {
    const dir = join(tmp, `cache-${Math.random().toString(36).slice(2)}`);
    const cached = wrapWithCache(model(), dir);
    const first = await generateText({ model: cached, system: SYSTEM, prompt: PROMPT, temperature: 0, maxRetries: 0 });
    expect(server.requests).toHaveLength(1);
    expect((first.providerMetadata as { ragvft?: unknown } | undefined)?.ragvft).toBeUndefined();

    const second = await generateText({ model: cached, system: SYSTEM, prompt: PROMPT, temperature: 0, maxRetries: 0 });
    expect(server.requests).toHaveLength(1);
    expect(second.text).toBe(first.text);
    expect(second.usage.inputTokens).toBe(first.usage.inputTokens);
    expect(second.usage.outputTokens).toBe(first.usage.outputTokens);
    expect(second.providerMetadata?.ragvft?.cached).toBe(true);

    // The streaming variant of the same call replays the entry, marked cached.
    const { result, text, error } = await streamToEnd(cached, { temperature: 0 });
    expect(error).toBeNull();
    expect(text).toBe(first.text);
    expect((await result.providerMetadata)?.ragvft?.cached).toBe(true);
    expect((await result.usage).outputTokens).toBe(first.usage.outputTokens);
    expect(server.requests).toHaveLength(1);

    // Other settings or another prompt are other answers.
    await generateText({ model: cached, system: SYSTEM, prompt: PROMPT, temperature: 0.7, maxRetries: 0 });
    expect(server.requests).toHaveLength(2);
    await generateText({ model: cached, system: SYSTEM, prompt: `${PROMPT} Really?`, temperature: 0, maxRetries: 0 });
    expect(server.requests).toHaveLength(3);
    expect(cacheFiles(dir)).toHaveLength(3);
  });

  it('stores a streamed answer once the stream finished, and never a cut stream', async () => {
    const dir = join(tmp, 'cache-stream');
    const cached = wrapWithCache(compatModel(), dir);
    server.setFaults([{ kind: 'cut-stream', afterChunks: 3 }]);
    const cut = await streamToEnd(cached);
    expect(classifyError(cut.error)).toBe('server');
    expect(cacheFiles(dir)).toHaveLength(0);

    const ok = await streamToEnd(cached);
    expect(ok.error).toBeNull();
    expect(cacheFiles(dir)).toHaveLength(1);
    const again = await streamToEnd(cached);
    expect(again.text).toBe(ok.text);
    expect((await again.result.providerMetadata)?.ragvft?.cached).toBe(true);
    expect(server.requests).toHaveLength(2); // the cut one and the first good one
  });

  it('marks cached answers in answerQuestion', async () => {
    const dir = join(tmp, 'cache-answer');
    const model = wrapWithCache(compatModel(), dir);
    const q = { id: 'q1', question: PROMPT, answers: ['x'], asOf: '2031-06-01', category: 'static', sourceDocIds: [] } as unknown as Question;
    const opts = { prompts: { system: SYSTEM, closedBook: '{{question}}', withContext: '{{question}}', cite: false as const }, generation: { maxOutputTokens: 64, temperature: 0, stream: true, maxRetries: 0 } };
    const a1 = await answerQuestion({ name: 'p', modelRef: 'loop:m', model, retrieve: null }, q, { ...opts, abortSignal: AbortSignal.timeout(5_000) });
    const a2 = await answerQuestion({ name: 'p', modelRef: 'loop:m', model, retrieve: null }, q, { ...opts, abortSignal: AbortSignal.timeout(5_000) });
    expect([a1.cached, a2.cached]).toEqual([false, true]);
    expect(a2.text).toBe(a1.text);
    expect(a2.tokens).toEqual(a1.tokens);
    expect(server.requests).toHaveLength(1);
  });
});

describe('API embeddings through embedMany', () => {
  it.each([
    ['openai-compatible', () => createOpenAICompatible({ name: 'loop', baseURL: server.url, apiKey: FAKE_KEY }).embeddingModel('e')],
    ['openai', () => createOpenAI({ baseURL: server.url, apiKey: FAKE_KEY }).embedding('text-embedding-3-small')],
  ])('embeds in batches, normalized, counting tokens (%s)', async (_name, make) => {
    const e = await createApiEmbedder({ model: make(), id: 'loop:e', batchSize: 2, maxRetries: 1 });
    expect(e.dim).toBe(8);
    server.setFaults([{ kind: 'status', status: 429, retryAfter: '0' }]);
    const texts = ['one two', 'three', 'four five six', 'seven', 'eight nine'];
    const vs = await e.embed(texts);
    expect(vs).toHaveLength(5);
    for (const v of vs) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    expect(Array.from((await e.embed(['three']))[0])).toEqual(Array.from(vs[1]));
    // probe (2 words) + 5 texts (9 words) + 'three' again (1 word)
    expect(e.usage().tokens).toBe(2 + 9 + 1);
    expect(e.usage().calls).toBe(1 + 3 + 1);
    // probe, 429 + 3 batches, one more call
    expect(server.requests.filter((r) => r.path === '/v1/embeddings')).toHaveLength(1 + 1 + 3 + 1);
  });
});

describe('journal survives kill -9', () => {
  it('keeps only complete records, none duplicated, and a resume finishes the run', async () => {
    const dir = join(tmp, 'journal-kill');
    const script = resolve(import.meta.dirname, 'helpers/journal-writer.ts');
    const total = 40;
    // Slow appends; kill as soon as a few have been made durable.
    await new Promise<void>((done, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, dir, String(total), '20'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/appended 5\n/.test(out)) child.kill('SIGKILL');
      });
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? done() : fail(new Error(`child ended ${code} ${signal}: ${err}`))));
    });
    const afterKill = readJournal(dir);
    expect(afterKill.records.length).toBeGreaterThanOrEqual(5);
    expect(afterKill.records.length).toBeLessThan(total);
    expect(new Set(afterKill.records.map((r) => r.questionId)).size).toBe(afterKill.records.length);

    // Resume in another process: it appends only what is missing.
    await new Promise<void>((done, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, dir, String(total), '0', 'resume'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`resume failed (${code}): ${err}`))));
    });
    const final = openJournal(dir);
    final.close();
    expect(final.records.map((r) => r.questionId).sort()).toEqual(Array.from({ length: total }, (_, i) => `q${i}`).sort());
    const lines = readFileSync(join(dir, 'records.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(total);
  });
});

describe('secrets never leak', () => {
  it('sends the key but writes it nowhere: cache, journal, records, error messages', async () => {
    registerSecret(FAKE_KEY);
    registerSecret(PLAIN_KEY);
    const cacheDir = join(tmp, 'secret-cache');
    const journalDir = join(tmp, 'secret-journal');
    const journal = createJournal(journalDir, { runId: 'secret', startedAt: new Date().toISOString(), configPath: 'c', configHash: 'h', datasetHash: 'd', pipelines: ['p'] });
    const q = (id: string) => ({ id, question: `${PROMPT} ${id}`, answers: ['x'], asOf: '2031-06-01', category: 'static', sourceDocIds: [] }) as unknown as Question;
    const opts = { prompts: { system: SYSTEM, closedBook: '{{question}}', withContext: '{{question}}', cite: false as const }, generation: { maxOutputTokens: 64, temperature: 0, stream: true, maxRetries: 1 } };
    // A server that puts the key it received into its error messages, as some proxies do.
    server.setFaults((req) => (req.n % 2 === 1 ? { kind: 'status', status: 400, body: JSON.stringify({ error: { message: `bad request for ${String(req.headers.authorization)}`, type: 'invalid_request_error' } }) } : null));
    for (const [i, key] of [FAKE_KEY, PLAIN_KEY].entries()) {
      const model = wrapWithCache(compatModel(key), cacheDir);
      for (const id of [`a${i}`, `b${i}`, `a${i}`]) {
        const a = await answerQuestion({ name: 'p', modelRef: 'loop:m', model, retrieve: null }, q(id), { ...opts, abortSignal: AbortSignal.timeout(5_000) });
        journal.append(toRecord(q(id), 'p', a, null, SCORING));
      }
    }
    journal.close();

    expect(server.requests.map((r) => r.headers.authorization)).toContain(`Bearer ${FAKE_KEY}`);
    expect(server.requests.map((r) => r.headers.authorization)).toContain(`Bearer ${PLAIN_KEY}`);
    const records = readJournal(journalDir).records;
    expect(records.some((r) => r.error !== null)).toBe(true); // the key was in an error message
    expect(records.some((r) => r.error === null)).toBe(true);
    for (const file of [...listFiles(cacheDir), ...listFiles(journalDir)]) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toContain(FAKE_KEY);
      expect(text, file).not.toContain(PLAIN_KEY);
    }
    expect(listFiles(cacheDir).length).toBeGreaterThan(0);

    const err = new Error(`upstream said: invalid key ${PLAIN_KEY} (Authorization: Bearer ${FAKE_KEY})`);
    expect(describeError(err)).not.toContain(PLAIN_KEY);
    expect(describeError(err)).not.toContain(FAKE_KEY);
  });
});

function listFiles(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    out = statSync(p).isDirectory() ? out.concat(listFiles(p)) : out.concat(p);
  }
  return out;
}
