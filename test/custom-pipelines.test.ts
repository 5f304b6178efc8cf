/**
 * `ragvft bench` end to end with a TS config that brings its own models and pipelines: an AI SDK
 * model instance (the SDK's MockLanguageModelV4, standing for `anthropic('…')`), a `run`
 * function and an `http` RAG service on loopback. They are scored, costed from their usage,
 * response-cached, journalled and resumed like built-in pipelines, and the instance's settings
 * (which would hold an API key) never reach a file.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultSchema, type RunResult } from '../src/results/schema.js';
import { runCli } from './helpers/cli.js';
import { writeTinyDataset } from './helpers/tiny-dataset.js';

/** Held by the instance's settings only: if the object were serialized anywhere, it would show. */
const INSTANCE_KEY = 'sk-ant-e2e-INSTANCE-KEY-0123456789abcdef';
const SVC_KEY = 'svc-e2e-KEY-0123456789abcdef';
const INSTANCE_ID = 'anthropic.messages:claude-e2e';
const INSTANCE_PRICE = { input: 3, output: 15 };
const RUN_PRICE = { input: 1, output: 2 };
/** The built-in price of the model the http service says it uses (`model: 'openai:gpt-4o-mini'`). */
const SVC_PRICE = { input: 0.15, output: 0.6 };
const GOLD: Record<string, { answer: string; docs: string[] }> = {
  'In which year was Orsk founded?': { answer: '1712', docs: ['orsk-v2'] },
  'Who is the current mayor of Orsk?': { answer: 'Osric Vell', docs: ['orsk-v2'] },
  'How many workers does Kestrel Yard employ?': { answer: '420', docs: ['kestrel'] },
  'What is the population of Dunmere?': { answer: "I don't know", docs: ['dunmere'] },
  'What is the main export of Dunmere?': { answer: 'slate', docs: ['dunmere'] },
};
const QUESTIONS = 5;

let work: string;
let datasetDir: string;
let server: Server;
let svcUrl: string;
/** Questions the service is to fail with a 500, and every request it got. */
const failing = new Set<string>();
const svcRequests: { question: string; auth: string | undefined }[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ragvft-custom-'));
  datasetDir = writeTinyDataset();
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const { question } = JSON.parse(raw) as { question: string };
      svcRequests.push({ question, auth: req.headers['x-api-key'] as string | undefined });
      if (failing.has(question)) {
        // Asks for a short wait, so the retries cost this test milliseconds.
        res.writeHead(500, { 'content-type': 'application/json', 'retry-after-ms': '10' });
        return res.end('{"error":"index offline"}');
      }
      const g = GOLD[question]!;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ output: { text: g.answer }, sources: g.docs.map((id) => ({ id })), usage: { prompt_tokens: 200, completion_tokens: 5 }, ms: { search: 2.5 } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  svcUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ask`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(work, { recursive: true, force: true });
  rmSync(datasetDir, { recursive: true, force: true });
});

interface Scenario {
  config: string;
  outDir: string;
  cacheDir: string;
  /** One line per model call and per run-function call, written by the config. */
  calls: string;
}

/** A scenario folder with a TS config holding a model instance, a `run` pipeline and an `http` one. */
function scenario(name: string): Scenario {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const s = { config: join(dir, 'bench.config.ts'), outDir: join(dir, 'results'), cacheDir: join(dir, 'cache'), calls: join(dir, 'calls.log') };
  const aiTest = pathToFileURL(createRequire(import.meta.url).resolve('ai/test')).href;
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    s.config,
    `import { appendFileSync } from 'node:fs';
import { MockLanguageModelV4, simulateReadableStream } from ${JSON.stringify(aiTest)};

const GOLD = ${JSON.stringify(GOLD)};
const usage = { inputTokens: { total: 40, noCache: 40, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 3, text: 3, reasoning: undefined } };
const questionOf = (options) => /Question \\(asked on [^)]*\\): (.*)\\nAnswer:$/.exec(options.prompt.at(-1).content[0].text)[1];

// As a provider package's model would: its settings hold the key.
const claude = Object.assign(
  new MockLanguageModelV4({
    provider: 'anthropic.messages',
    modelId: 'claude-e2e',
    doStream: async (options) => {
      const q = questionOf(options);
      appendFileSync(${JSON.stringify(s.calls)}, 'model ' + q + '\\n');
      return {
        stream: simulateReadableStream({
          chunks: [
            { type: 'stream-start', warnings: [] },
            { type: 'text-start', id: '1' },
            { type: 'text-delta', id: '1', delta: GOLD[q].answer },
            { type: 'text-end', id: '1' },
            { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
          ],
        }),
      };
    },
  }),
  { settings: { apiKey: ${JSON.stringify(INSTANCE_KEY)}, headers: { 'x-api-key': ${JSON.stringify(INSTANCE_KEY)} } } },
);

// The judge is an instance too: it calls every answer correct.
const judge = new MockLanguageModelV4({
  provider: 'judge.mock',
  modelId: 'judge-e2e',
  doGenerate: async () => ({ content: [{ type: 'text', text: JSON.stringify({ reason: 'ok', verdict: 'correct', matchesStale: false }) }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] }),
});

export default {
  dataset: ${JSON.stringify(datasetDir)},
  judge: { model: judge },
  outDir: ${JSON.stringify(s.outDir)},
  cacheDir: ${JSON.stringify(s.cacheDir)},
  models: { claude },
  finetune: {},
  pipelines: [
    { name: 'claude-rag', model: 'claude', retrieval: true },
    {
      name: 'mine',
      version: '1',
      price: ${JSON.stringify(RUN_PRICE)},
      run: async ({ question, id, signal }) => {
        if (!(signal instanceof AbortSignal)) throw new Error('no signal');
        appendFileSync(${JSON.stringify(s.calls)}, 'run ' + id + '\\n');
        return { answer: GOLD[question].answer, usage: { inputTokens: 100, outputTokens: 10 }, stages: { generate: 1.5 } };
      },
    },
    {
      name: 'svc',
      type: 'http',
      url: ${JSON.stringify(svcUrl)},
      headers: { 'x-api-key': '{{env.RAGVFT_E2E_SVC_KEY}}' },
      map: { answer: '$.output.text', retrievedDocIds: '$.sources[*].id', usage: { inputTokens: '$.usage.prompt_tokens', outputTokens: '$.usage.completion_tokens' }, stages: { search: '$.ms.search' } },
      model: 'openai:gpt-4o-mini',
    },
  ],
  embedding: { model: 'local:ppmi-svd', dim: 32 },
  retrieval: { chunkSize: 60, chunkOverlap: 10, k: 2 },
  cost: { prices: { ${JSON.stringify(INSTANCE_ID)}: ${JSON.stringify(INSTANCE_PRICE)}, 'judge.mock:judge-e2e': { input: 1, output: 1 } } },
};
`,
  );
  return s;
}

const bench = (s: Scenario, extra: string[] = []) => runCli(['bench', '--config', s.config, '--quiet', ...extra], { env: { RAGVFT_E2E_SVC_KEY: SVC_KEY }, timeoutMs: 100_000 });
const readResult = (s: Scenario): RunResult => ResultSchema.parse(JSON.parse(readFileSync(join(s.outDir, 'latest.json'), 'utf8')));
const callLines = (s: Scenario) => (existsSync(s.calls) ? readFileSync(s.calls, 'utf8').trim().split('\n').filter(Boolean) : []);
const cost = (price: { input: number; output: number }, input: number, output: number) => (input * price.input + output * price.output) / 1e6;

/** Every file under `dir`, as text. */
function allText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

describe('bench with a model instance, a run function and an http service (TS config)', () => {
  const main = () => scenario('main');
  let s: Scenario;

  it('scores, times and costs all three; results name the instance by its id and hold none of its settings', async () => {
    s = main();
    const run = await bench(s);
    expect(run.code, run.stderr).toBe(0);
    const r = readResult(s);
    expect(r.run.models).toEqual({ 'claude-rag': INSTANCE_ID, mine: 'custom:mine', svc: 'http:svc' });
    // The judge instance judged every answer (lenient stays primary), named by its id.
    expect(r.run.scoring.judge).toMatchObject({ model: 'judge.mock:judge-e2e', errors: 0 });
    expect(r.run.scoring.judge!.calls).toBe(r.records.length);
    expect(r.records.every((x) => x.scores.judge?.verdict === 'correct')).toBe(true);
    expect((r.run.config.judge as { model: unknown }).model).toBe('judge.mock:judge-e2e');
    expect(r.pipelines.map((p) => [p.name, p.model, p.retrieval])).toEqual([
      ['claude-rag', INSTANCE_ID, true],
      ['mine', 'custom:mine', false],
      ['svc', 'http:svc', true],
    ]);
    expect((r.run.config.models as Record<string, unknown>).claude).toBe(INSTANCE_ID);
    expect(r.records).toHaveLength(3 * QUESTIONS);
    for (const rec of r.records) {
      expect(rec.error, `${rec.pipeline} ${rec.questionId}`).toBeNull();
      expect(rec.correct, `${rec.pipeline} ${rec.questionId}`).toBe(true);
      expect(rec.cached).toBe(false);
    }
    const of = (p: string) => r.records.filter((x) => x.pipeline === p);
    for (const rec of of('claude-rag')) expect(rec.costUsd).toBeCloseTo(cost(INSTANCE_PRICE, 40, 3), 12);
    for (const rec of of('mine')) {
      expect(rec.tokens).toEqual({ input: 100, output: 10 });
      expect(rec.costUsd).toBeCloseTo(cost(RUN_PRICE, 100, 10), 12);
      expect(rec.latencyMs.generate).toBe(1.5);
    }
    for (const rec of of('svc')) {
      expect(rec.costUsd).toBeCloseTo(cost(SVC_PRICE, 200, 5), 12);
      expect(rec.latencyMs.search).toBe(2.5);
      // Retrieval is scored from the ids it reported; chunk texts are unknown.
      if (rec.category !== 'unanswerable') expect(rec.retrieval).toEqual({ recall: 1, reciprocalRank: 1, chunkRecall: null });
    }
    const svc = r.pipelines.find((p) => p.name === 'svc')!.summary;
    expect(svc.metrics.recall?.value).toBe(1);
    expect(svc.stageLatencyMs.search?.p50).toBe(2.5);
    expect(svc.costUsd.inferenceUsd).toBeCloseTo(QUESTIONS * cost(SVC_PRICE, 200, 5), 12);
    expect(svcRequests.filter((q) => q.auth === SVC_KEY)).toHaveLength(QUESTIONS);
    expect(callLines(s).filter((l) => l.startsWith('model '))).toHaveLength(QUESTIONS);
    // Neither the instance's settings nor the service key reach a file or the terminal.
    for (const text of [allText(s.outDir), allText(s.cacheDir), run.stdout + run.stderr]) {
      expect(text).not.toContain(INSTANCE_KEY);
      expect(text).not.toContain(SVC_KEY);
    }
    expect(JSON.stringify(r.run.config)).not.toContain('{{env.');
  });

  it('a rerun answers from the response cache: no model call, no run call (it has a version), no request', async () => {
    const before = { calls: callLines(s).length, svc: svcRequests.length };
    const run = await bench(s);
    expect(run.code, run.stderr).toBe(0);
    const r = readResult(s);
    expect(r.records.every((x) => x.cached && x.correct)).toBe(true);
    expect(callLines(s).length).toBe(before.calls);
    expect(svcRequests.length).toBe(before.svc);
  });
});

describe('a failing http service is recorded as errored pairs and resumed like a model', () => {
  it('500s count as server errors (bench exits 1 over the error rate); --resume asks only those again', async () => {
    const s = scenario('resume');
    const q3 = 'How many workers does Kestrel Yard employ?';
    failing.add(q3);
    const asked = svcRequests.length;
    const first = await bench(s, ['--no-cache']);
    failing.clear();
    expect(first.code, first.stderr).toBe(1);
    const r1 = readResult(s);
    const failed = r1.records.filter((x) => x.error);
    expect(failed.map((x) => [x.pipeline, x.questionId, x.error!.kind])).toEqual([['svc', 'q3', 'server']]);
    expect(failed[0]!.error!.message).toMatch(/pipeline "svc": the service answered HTTP 500/);
    // Retried as a model call is: the default generation.maxRetries (2) more requests.
    expect(svcRequests.slice(asked).filter((r) => r.question === q3)).toHaveLength(3);
    const before = { calls: callLines(s).length, svc: svcRequests.length };
    const resumed = await bench(s, ['--no-cache', '--resume', r1.run.id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const r2 = readResult(s);
    expect(r2.run.resumed).toBe(true);
    expect(r2.records).toHaveLength(3 * QUESTIONS);
    expect(r2.records.every((x) => x.error === null)).toBe(true);
    // Only the failed pair was asked again.
    expect(callLines(s).length).toBe(before.calls);
    expect(svcRequests.slice(before.svc).map((q) => q.question)).toEqual([q3]);
  });

  it('a header naming an unset environment variable is bad input (exit 2), before any question', async () => {
    const s = scenario('no-env');
    const run = await runCli(['bench', '--config', s.config, '--quiet'], { env: { RAGVFT_E2E_SVC_KEY: '' }, timeoutMs: 100_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/field "pipelines\.2\.headers": pipeline "svc" needs the environment variable RAGVFT_E2E_SVC_KEY/);
    expect(callLines(s)).toEqual([]);
  });
});
