import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpPipelineSchema } from '../config/schema.js';
import type { Question } from '../dataset/schema.js';
import { classifyError, describeError } from '../models/errors.js';
import { InputError } from '../util/errors.js';
import { redactSecrets } from '../util/redact.js';
import { cacheDefinition, customAnswerer, runAsk } from './custom.js';
import { httpAsk, renderBody } from './http.js';

interface Seen {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** A RAG service on loopback: the path picks the behaviour. */
let server: Server;
let url: string;
const seen: Seen[] = [];

function reply(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      seen.push({ path: req.url!, headers: req.headers, body });
      if (req.url === '/fail') return reply(res, 500, { error: 'index offline' });
      // The first two requests to /flaky fail with 503; /busy always answers 429; both ask for a 5 ms wait.
      const tries = seen.filter((x) => x.path === req.url).length;
      if ((req.url === '/flaky' && tries <= 2) || req.url === '/busy') {
        res.writeHead(req.url === '/busy' ? 429 : 503, { 'content-type': 'application/json', 'retry-after-ms': '5' });
        return res.end(JSON.stringify({ error: 'try later' }));
      }
      if (req.url === '/bad') return reply(res, 400, { error: 'bad request' });
      if (req.url === '/slow') return void setTimeout(() => reply(res, 200, { answer: 'late' }), 2_000);
      if (req.url === '/text') return reply(res, 200, 'not json');
      reply(res, 200, { result: { text: ` ${String(body.q)} -> Osric Vell ` }, sources: [{ id: 'orsk-v2' }, { id: 7 }], usage: { prompt_tokens: 120, completion_tokens: 4 }, timings: { retrieve: 3.5 } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const q: Question = { id: 'q2', question: 'Who is the mayor of Orsk?', answers: ['Osric Vell'], asOf: '2031-06-01', category: 'updated', sourceDocIds: ['orsk-v2'] } as Question;

const pipeline = (over: Record<string, unknown> = {}) =>
  HttpPipelineSchema.parse({
    name: 'svc',
    type: 'http',
    url: `${url}/ask`,
    body: { q: '{{question}}', date: '{{asOf}}', tag: 'id={{id}}' },
    map: { answer: '$.result.text', retrievedDocIds: '$.sources[*].id', usage: { inputTokens: '$.usage.prompt_tokens', outputTokens: '$.usage.completion_tokens' }, stages: { search: '$.timings.retrieve' } },
    ...over,
  });

const signal = () => new AbortController().signal;

describe('http pipeline', () => {
  it('POSTs the rendered body and maps the reply into answer, ids, usage and stage times', async () => {
    const answer = await customAnswerer(httpAsk(pipeline(), 'pipelines.0', {}), { definition: null })(q, signal());
    expect(answer.error).toBeNull();
    expect(answer.text).toBe('Who is the mayor of Orsk? -> Osric Vell');
    expect(answer.retrievedDocIds).toEqual(['orsk-v2', '7']);
    expect(answer.tokens).toEqual({ input: 120, output: 4 });
    expect(answer.latencyMs.search).toBe(3.5);
    expect(answer.latencyMs.total).toBeGreaterThan(0);
    expect(seen.at(-1)!.body).toEqual({ q: q.question, date: '2031-06-01', tag: 'id=q2' });
  });

  it('a placeholder that is the whole string takes the value itself: an undated question sends null', () => {
    expect(renderBody({ asOf: '{{asOf}}', s: 'on {{asOf}}', keep: '{{other}}', n: [1, '{{id}}'] }, { asOf: null, id: 'q1' })).toEqual({ asOf: null, s: 'on ', keep: '{{other}}', n: [1, 'q1'] });
  });

  it('a mapped path the reply lacks is one bad-response error naming the pipeline, the field and the path', async () => {
    const p = pipeline({ map: { answer: '$.result.answer' } });
    const a = await customAnswerer(httpAsk(p, 'pipelines.0', {}), { definition: null })(q, signal());
    expect(a.text).toBeNull();
    expect(classifyError(a.error)).toBe('bad-response');
    expect(describeError(a.error)).toMatch(/pipeline "svc": map\.answer \$\.result\.answer finds nothing in the reply/);
    const wrongType = await customAnswerer(httpAsk(pipeline({ map: { answer: '$.usage.prompt_tokens' } }), 'pipelines.0', {}), { definition: null })(q, signal());
    expect(describeError(wrongType.error)).toMatch(/map\.answer \$\.usage\.prompt_tokens is not a single string \(got 120\)/);
  });

  it('a 5xx is a server error quoting the reply; a reply that is not JSON is a bad response', async () => {
    const fail = await customAnswerer(httpAsk(pipeline({ url: `${url}/fail` }), 'pipelines.0', {}), { definition: null })(q, signal());
    expect(classifyError(fail.error)).toBe('server');
    expect(describeError(fail.error)).toMatch(/pipeline "svc": the service answered HTTP 500: .*index offline/);
    const text = await customAnswerer(httpAsk(pipeline({ url: `${url}/text` }), 'pipelines.0', {}), { definition: null })(q, signal());
    expect(classifyError(text.error)).toBe('bad-response');
    expect(describeError(text.error)).toMatch(/the reply is not JSON: not json/);
  });

  it('retries what a model call would retry (5xx, 429) as the server asks, up to maxRetries; never a 400 or a timeout', async () => {
    const count = (path: string) => seen.filter((x) => x.path === path).length;
    const ask = (path: string, maxRetries: number, over: Record<string, unknown> = {}) =>
      customAnswerer(httpAsk(pipeline({ url: `${url}${path}`, ...over }), 'pipelines.0', {}, { maxRetries }), { definition: null })(q, signal());
    const flaky = await ask('/flaky', 2);
    expect(flaky.error).toBeNull();
    expect(flaky.text).toBe('Who is the mayor of Orsk? -> Osric Vell');
    expect(count('/flaky')).toBe(3);
    const busy = await ask('/busy', 2);
    expect(classifyError(busy.error)).toBe('rate-limit');
    expect(count('/busy')).toBe(3);
    await ask('/bad', 2);
    expect(count('/bad')).toBe(1);
    const before = count('/slow');
    expect(classifyError((await ask('/slow', 2, { timeoutMs: 100 })).error)).toBe('timeout');
    expect(count('/slow') - before).toBe(1);
    // Without retries (the default of httpAsk) a 503 is the answer.
    expect(classifyError((await ask('/busy', 0)).error)).toBe('rate-limit');
    expect(count('/busy')).toBe(4);
  });

  it('a request over timeoutMs is a timeout, and so is the question deadline', async () => {
    const slow = await customAnswerer(httpAsk(pipeline({ url: `${url}/slow`, timeoutMs: 100 }), 'pipelines.0', {}), { definition: null })(q, signal());
    expect(classifyError(slow.error)).toBe('timeout');
    const deadline = await customAnswerer(httpAsk(pipeline({ url: `${url}/slow` }), 'pipelines.0', {}), { definition: null })(q, AbortSignal.timeout(100));
    expect(classifyError(deadline.error)).toBe('timeout');
  });

  it('header values name environment variables and apiKeyEnv is a bearer token; both are secrets; a missing variable is bad input', async () => {
    const p = pipeline({ headers: { 'x-api-key': '{{env.RAGVFT_SVC_KEY}}' }, apiKeyEnv: 'RAGVFT_SVC_BEARER' });
    const env = { RAGVFT_SVC_KEY: 'svc-key-0123456789', RAGVFT_SVC_BEARER: 'bearer-0123456789' };
    await customAnswerer(httpAsk(p, 'pipelines.0', env), { definition: null })(q, signal());
    expect(seen.at(-1)!.headers['x-api-key']).toBe('svc-key-0123456789');
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer bearer-0123456789');
    expect(redactSecrets('svc-key-0123456789 bearer-0123456789')).toBe('[REDACTED] [REDACTED]');
    expect(() => httpAsk(p, 'pipelines.3', { RAGVFT_SVC_KEY: 'x' })).toThrow(InputError);
    expect(() => httpAsk(p, 'pipelines.3', { RAGVFT_SVC_KEY: 'x' })).toThrow(/field "pipelines\.3\.headers": pipeline "svc" needs the environment variable RAGVFT_SVC_BEARER/);
  });

  it('answers are cached by the definition: a repeat is not sent, a changed map or version is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-http-cache-'));
    try {
      const ask = (p: ReturnType<typeof pipeline>) => customAnswerer(httpAsk(p, 'pipelines.0', {}), { cacheDir: dir, definition: cacheDefinition(p) })(q, signal());
      const before = seen.length;
      const first = await ask(pipeline());
      const again = await ask(pipeline());
      expect(seen.length - before).toBe(1);
      expect(again).toMatchObject({ cached: true, text: first.text, retrievedDocIds: first.retrievedDocIds, tokens: first.tokens });
      expect(again.latencyMs.search).toBeNull();
      await ask(pipeline({ version: '2' }));
      await ask(pipeline({ map: { answer: '$.result.text' } }));
      expect(seen.length - before).toBe(3);
      // Failures are not cached.
      await ask(pipeline({ url: `${url}/fail` }));
      await ask(pipeline({ url: `${url}/fail` }));
      expect(seen.length - before).toBe(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('run pipeline', () => {
  it('its result is checked: a wrong shape is a bad response naming the pipeline and field', async () => {
    const a = await customAnswerer(runAsk('mine', () => ({ answer: 'x', retrievedDocIDs: ['d'] }) as never), { definition: null })(q, signal());
    expect(classifyError(a.error)).toBe('bad-response');
    expect(describeError(a.error)).toMatch(/pipeline "mine" returned a value that unknown field\(s\) "retrievedDocIDs"/);
  });

  it('a function that ignores its signal still ends at the deadline, as a timeout', async () => {
    const a = await customAnswerer(runAsk('stuck', () => new Promise<never>(() => {})), { definition: null })(q, AbortSignal.timeout(50));
    expect(classifyError(a.error)).toBe('timeout');
  });

  it('is cached only with a version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-run-cache-'));
    try {
      let calls = 0;
      const run = () => ({ answer: `answer ${++calls}` });
      const ask = (version?: string) => customAnswerer(runAsk('mine', run), { cacheDir: dir, definition: cacheDefinition({ name: 'mine', run, version }) })(q, signal());
      await ask();
      await ask();
      expect(calls).toBe(2);
      expect((await ask('1')).text).toBe('answer 3');
      expect(await ask('1')).toMatchObject({ cached: true, text: 'answer 3' });
      expect(calls).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
