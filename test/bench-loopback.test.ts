/**
 * `ragvft bench` end to end — the real CLI in a child process — against the loopback
 * OpenAI-compatible server, configured only through a JSON config file: server usage and cost
 * in the results, the response cache, faults at run level and the error-rate exit code, resume
 * after kill -9 and after Ctrl-C, missing key, bad --resume, and no leaked key anywhere.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultSchema, type ResultRecord, type RunResult } from '../src/results/schema.js';
import { RELAYED_SIGNAL_MS } from '../src/cli/commands/bench.js';
import { ConfigSchema } from '../src/config/schema.js';
import { readJournal } from '../src/run/journal.js';
import { runCli, type CliRun } from './helpers/cli.js';
import { defaultAnswer, startOpenAIServer, type Fault, type OpenAIServer, type RecordedRequest } from './helpers/openai-server.js';
import { questionIdsByText, type Scenario, writeScenario } from './helpers/scenario.js';
import { writeTinyDataset } from './helpers/tiny-dataset.js';
import { journalWith } from './helpers/runs.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'sk-ragvft-TEST-DO-NOT-LEAK-0123456789abcdef';
const KEY_ENV = 'RAGVFT_TEST_KEY';
const MODEL = 'srv:model-a';
const PRICE = { input: 2.5, output: 10 }; // USD per 1M tokens
const PIPELINES = ['closed-book', 'rag'] as const;
const QUESTIONS = ['q1', 'q2', 'q3', 'q4', 'q5'];
const PAIRS = PIPELINES.length * QUESTIONS.length;
/** Default config prompts (schema defaults: the instructions, then the citation request), to recompute the server's usage rule. */
const DEFAULT_PROMPTS = ConfigSchema.parse({ dataset: 'd' }).prompts;
const SYSTEM = `${DEFAULT_PROMPTS.system}\n${DEFAULT_PROMPTS.cite}`;

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
const pairKey = (pipeline: string, questionId: string) => `${pipeline}/${questionId}`;

let server: OpenAIServer;
let work: string;
let datasetDir: string;
/** Question text -> id, from the dataset the runs use. */
let questionIdByText: Map<string, string>;
/** stdout/stderr of every CLI run of this file, for the secrets check. */
const outputs: { label: string; text: string }[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ragvft-bench-loop-'));
  datasetDir = writeTinyDataset();
  questionIdByText = questionIdsByText(datasetDir);
  expect([...questionIdByText.values()]).toEqual(QUESTIONS);
  server = await startOpenAIServer({ chunkDelayMs: 2 });
});

afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(datasetDir, { recursive: true, force: true });
});

/** A scenario folder with a JSON config: `srv:model-a` on the loopback server, closed-book + rag. */
function scenario(name: string, over: Record<string, unknown> = {}, file = 'config.json'): Scenario {
  const base = {
    dataset: datasetDir,
    providers: { srv: { type: 'openai-compatible', baseURL: server.url, apiKeyEnv: KEY_ENV } },
    models: { base: MODEL },
    cost: { prices: { [MODEL]: PRICE } },
  };
  return writeScenario(work, name, base, over, file);
}

/** The real CLI, with the key in its environment unless `env` says otherwise. */
async function bench(label: string, args: string[], env: NodeJS.ProcessEnv = { [KEY_ENV]: KEY }): Promise<CliRun> {
  const run = await runCli(['bench', ...args], { env, timeoutMs: 60_000 });
  outputs.push({ label, text: run.stdout + run.stderr });
  expect(run.stdout + run.stderr, label).not.toContain(KEY);
  return run;
}

interface Child {
  proc: ChildProcessByStdio<null, Readable, Readable>;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `bench --config <cfg>` in a child process this test holds, to kill or interrupt it. */
function startBench(label: string, config: string): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/ragvft.ts', 'bench', '--config', config], {
    cwd: ROOT,
    env: { ...process.env, [KEY_ENV]: KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('close', (code, signal) => {
      outputs.push({ label, text: stdout + stderr });
      resolve({ code, signal });
    }),
  );
  return { proc, stdout: () => stdout, stderr: () => stderr, exited };
}

function stop(child: Child | undefined): void {
  if (child && child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
}

/**
 * Polls `probe` until it gives a value. No deadline of its own (a slow machine only makes it
 * wait longer; the test timeout is the backstop): it fails when `child` exits without it.
 */
async function waitFor<T>(what: string, probe: () => T | null | undefined, child: Child): Promise<T> {
  for (;;) {
    const v = probe();
    if (v !== null && v !== undefined) return v;
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      const last = probe();
      if (last !== null && last !== undefined) return last;
      throw new Error(`bench exited (${child.proc.exitCode ?? child.proc.signalCode}) before ${what}:\n${child.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Answers the first `n` chat requests and holds every later one unanswered (for far longer than
 * any test runs), so a run stops at exactly `n` recorded pairs until it is killed or interrupted.
 */
function answerFirst(n: number): (req: RecordedRequest) => Fault | null {
  let chats = 0;
  return (req) => (req.path === '/v1/chat/completions' && chats++ >= n ? { kind: 'delay', ms: 3_600_000 } : null);
}

/** Chat requests after the first `n` are answered only after `ms` (a call that is in flight for a while). */
function holdAfter(n: number, ms: number): (req: RecordedRequest) => Fault | null {
  let chats = 0;
  return (req) => (req.path === '/v1/chat/completions' && chats++ >= n ? { kind: 'delay', ms } : null);
}


function readResult(s: Scenario, runId?: string): RunResult {
  return ResultSchema.parse(JSON.parse(readFileSync(join(s.outDir, runId ? `${runId}.json` : 'latest.json'), 'utf8')));
}

interface Call {
  pipeline: string;
  questionId: string;
  key: string;
  system: string;
  user: string;
  model: string;
}

/** Which (pipeline, question) a chat request is for, from the prompt the harness built. */
function callOf(req: RecordedRequest): Call {
  const body = req.body as { model: string; messages: { role: string; content: string }[] };
  const system = body.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
  const user = body.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  const m = /Question \(asked on [^)]*\): (.*)\nAnswer:$/.exec(user);
  const questionId = m ? questionIdByText.get(m[1]) : undefined;
  if (!questionId) throw new Error(`request ${req.n} is for no known question: ${user}`);
  const pipeline = user.startsWith('Context:\n') ? 'rag' : 'closed-book';
  return { pipeline, questionId, key: pairKey(pipeline, questionId), system, user, model: body.model };
}

const requestsSince = (n: number) => server.requests.slice(n);
const pairsOf = (records: ResultRecord[]) => records.map((r) => pairKey(r.pipeline, r.questionId));
const allPairs = () => PIPELINES.flatMap((p) => QUESTIONS.map((q) => pairKey(p, q))).sort();
const summaryOf = (r: RunResult, name: string) => r.pipelines.find((p) => p.name === name)!.summary;

describe('bench against an OpenAI-compatible server (JSON config only)', () => {
  let main: Scenario;
  let first: RunResult;
  let firstRequests: RecordedRequest[];

  it('records the server usage as tokens, cost = tokens x price, time to first token; sends the key as a bearer token', async () => {
    main = scenario('main');
    server.setFaults(undefined);
    const before = server.requests.length;
    const run = await bench('first run', ['--config', main.config]);
    expect(run.stderr).not.toMatch(/Error:/);
    expect(run.code).toBe(0);
    first = readResult(main);
    firstRequests = requestsSince(before);

    // One streamed chat request per pair, with the key, usage requested.
    expect(firstRequests).toHaveLength(PAIRS);
    for (const req of firstRequests) {
      expect(req.path).toBe('/v1/chat/completions');
      expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(req.body).toMatchObject({ model: 'model-a', stream: true, stream_options: { include_usage: true } });
    }
    const calls = firstRequests.map(callOf);
    expect(calls.map((c) => c.key).sort()).toEqual(allPairs());

    expect(first.run.models).toEqual({ 'closed-book': MODEL, rag: MODEL });
    expect(first.run.resumed).toBe(false);
    expect(first.records).toHaveLength(PAIRS);
    expect(pairsOf(first.records).sort()).toEqual(allPairs());
    for (const c of calls) {
      const rec = first.records.find((r) => r.pipeline === c.pipeline && r.questionId === c.questionId)!;
      // The server's documented rule: input = words of system + user, output = words of the answer.
      expect(c.system).toBe(SYSTEM);
      const answer = defaultAnswer({ model: c.model, system: c.system, user: c.user });
      const tokens = { input: words(`${c.system} ${c.user}`), output: words(answer) };
      expect(rec.error, c.key).toBeNull();
      expect(rec.answer, c.key).toBe(answer);
      expect(rec.tokens, c.key).toEqual(tokens);
      expect(rec.costUsd!, c.key).toBeCloseTo((tokens.input * PRICE.input + tokens.output * PRICE.output) / 1e6, 15);
      expect(rec.cached).toBe(false);
      expect(rec.latencyMs.firstToken, c.key).not.toBeNull();
      expect(rec.latencyMs.firstToken!).toBeGreaterThan(0);
      expect(rec.latencyMs.firstToken!).toBeLessThanOrEqual(rec.latencyMs.generate!);
      expect(rec.retrievedDocIds === null, c.key).toBe(c.pipeline === 'closed-book');
    }
    for (const name of PIPELINES) {
      const s = summaryOf(first, name);
      const mine = first.records.filter((r) => r.pipeline === name);
      expect(s.questions).toBe(5);
      expect(s.errors).toBe(0);
      expect(s.cached).toBe(0);
      // Every call reported usage: none unknown.
      expect(s.tokens).toEqual({ input: mine.reduce((a, r) => a + r.tokens!.input, 0), output: mine.reduce((a, r) => a + r.tokens!.output, 0), unknownUsage: 0 });
      expect(s.costUsd.inferenceUsd!).toBeCloseTo((s.tokens.input * PRICE.input + s.tokens.output * PRICE.output) / 1e6, 9);
      expect(s.latencyMs.count).toBe(5);
      expect(s.stageLatencyMs.firstToken).not.toBeNull();
      expect(s.stageLatencyMs.firstToken!.count).toBe(5);
    }
    expect(first.run.warnings.filter((w) => /no known price/.test(w))).toEqual([]);
    // rag prompts are longer (context): its tokens must differ from closed-book's.
    expect(summaryOf(first, 'rag').tokens.input).toBeGreaterThan(summaryOf(first, 'closed-book').tokens.input);
  });

  it('a second identical run is served from the response cache: zero requests, all cached, no latency measured', async () => {
    const before = server.requests.length;
    const run = await bench('cached run', ['--config', main.config]);
    expect(run.code).toBe(0);
    expect(requestsSince(before)).toHaveLength(0);
    const second = readResult(main);
    expect(second.run.id).not.toBe(first.run.id);
    expect(second.records).toHaveLength(PAIRS);
    expect(second.records.every((r) => r.cached)).toBe(true);
    for (const name of PIPELINES) {
      const s = summaryOf(second, name);
      expect(s.cached).toBe(second.records.filter((r) => r.pipeline === name).length);
      expect(s.cached).toBe(5);
      expect(s.latencyMs.count).toBe(0);
      // Same answers, tokens and cost as the measured run.
      expect(s.tokens).toEqual(summaryOf(first, name).tokens);
      expect(s.costUsd.inferenceUsd).toBe(summaryOf(first, name).costUsd.inferenceUsd);
    }
    const strip = (r: RunResult) => r.records.map(({ latencyMs: _l, cached: _c, embedCached: _e, ...rest }) => rest);
    expect(strip(second)).toEqual(strip(first));
    expect(run.stdout).toContain('10 answers came from the response cache; latency percentiles use the 0 measured calls only.');
  });

  it('--no-cache asks the server again', async () => {
    const before = server.requests.length;
    const run = await bench('no-cache run', ['--config', main.config, '--no-cache']);
    expect(run.code).toBe(0);
    expect(requestsSince(before).map((r) => callOf(r).key).sort()).toEqual(allPairs());
    const third = readResult(main);
    expect(third.records.every((r) => !r.cached)).toBe(true);
    expect(summaryOf(third, 'rag').cached).toBe(0);
    expect(summaryOf(third, 'rag').latencyMs.count).toBe(5);
  });

  it('--resume with an unknown run id exits 2 with a clear message, asking nothing', async () => {
    const before = server.requests.length;
    const run = await bench('unknown resume', ['--config', main.config, '--resume', '20990101T000000Z-abcdef']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no run "20990101T000000Z-abcdef" to resume; resumable runs: /);
    expect(run.stderr).toContain(first.run.id); // lists the runs that do exist
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
    const traversal = await bench('traversal resume', ['--config', main.config, '--resume', '../main']);
    expect(traversal.code).toBe(2);
    expect(traversal.stderr).toMatch(/no run "\.\.\/main" to resume/);
    expect(requestsSince(before)).toHaveLength(0);
  });

  it('--resume after the config or the dataset changed exits 2 naming which', async () => {
    const before = server.requests.length;
    const results = readdirSync(main.outDir).sort();
    // Same cacheDir (so the run exists), one generation setting changed.
    const changed = scenario('main', { generation: { temperature: 0.5 } }, 'changed.config.json');
    const run = await bench('resume changed config', ['--config', changed.config, '--resume', first.run.id]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot resume run ${first.run.id}: the config changed since it started (config was ${main.config})`);

    // Same config file, one question of the dataset edited in place (restored afterwards).
    const questions = join(datasetDir, 'questions.jsonl');
    const original = readFileSync(questions, 'utf8');
    let run2: CliRun;
    try {
      writeFileSync(questions, original.replace('In which year was Orsk founded?', 'When was Orsk founded?'));
      run2 = await bench('resume changed dataset', ['--config', main.config, '--resume', first.run.id]);
    } finally {
      writeFileSync(questions, original);
    }
    expect(run2.code).toBe(2);
    expect(run2.stderr).toContain(`cannot resume run ${first.run.id}: the dataset changed since it started`);
    expect(requestsSince(before)).toHaveLength(0);
    expect(readdirSync(main.outDir).sort()).toEqual(results);
  });
});

describe('faults at run level', () => {
  const FAIL = 'q3';
  const LIMITED = 'q1';

  /** 429 (Retry-After: 0) on the first request of each q1 pair; 500 on every q3 request. */
  function faultPlan() {
    const limited = new Set<string>();
    return (req: RecordedRequest): Fault | null => {
      const c = callOf(req);
      if (c.questionId === FAIL) return { kind: 'status', status: 500, retryAfter: '0', retryAfterMs: '0' };
      if (c.questionId === LIMITED && !limited.has(c.key)) {
        limited.add(c.key);
        return { kind: 'status', status: 429, retryAfter: '0' };
      }
      return null;
    };
  }

  function checkFaultRun(result: RunResult, reqs: RecordedRequest[]) {
    const perPair = new Map<string, number>();
    for (const r of reqs) perPair.set(callOf(r).key, (perPair.get(callOf(r).key) ?? 0) + 1);
    for (const p of PIPELINES) {
      expect(perPair.get(pairKey(p, LIMITED))).toBe(2); // 429, then the retry succeeded
      expect(perPair.get(pairKey(p, FAIL))).toBe(2); // maxRetries 1: two attempts, both 500
      for (const q of QUESTIONS.filter((x) => x !== FAIL && x !== LIMITED)) expect(perPair.get(pairKey(p, q))).toBe(1);
    }
    expect(reqs).toHaveLength(14);
    expect(result.records).toHaveLength(PAIRS);
    for (const p of PIPELINES) {
      const ok = result.records.find((r) => r.pipeline === p && r.questionId === LIMITED)!;
      expect(ok.error).toBeNull();
      expect(ok.answer).toMatch(/^The answer is [0-9a-f]{8} indeed$/);
      expect(ok.tokens!.output).toBe(5);
      const bad = result.records.find((r) => r.pipeline === p && r.questionId === FAIL)!;
      expect(bad.error?.kind).toBe('server');
      expect(bad.error?.message).toMatch(/injected 500/);
      expect(bad.answer).toBeNull();
      expect(bad.costUsd).toBe(0);
      const s = summaryOf(result, p);
      expect(s.errors).toBe(1);
      expect(s.errorsByKind).toEqual({ server: 1 });
      expect(result.records.filter((r) => r.pipeline === p && r.error === null)).toHaveLength(4);
    }
  }

  it('retries a 429, records a persistent 500 as a server error, and exits 1 with maxErrorRate 0', async () => {
    // No 2 s backoffs (Retry-After: 0 is honoured): the SDK's default first backoff is 2 s, so
    // with a per-question deadline under it a retry that ignored Retry-After would make the
    // rate-limited pair a timeout (checkFaultRun wants it answered after exactly 2 requests).
    // No clock is read by the test; the deadline only has to cover two loopback round trips.
    const s = scenario('faults', { generation: { maxRetries: 1 }, timeoutMs: 1_900, maxErrorRate: 0, responseCache: false });
    server.setFaults(faultPlan());
    const before = server.requests.length;
    try {
      const run = await bench('faults, maxErrorRate 0', ['--config', s.config]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/error rate: closed-book: 1\/5 questions failed \(\{"server":1\}\), above the limit of 0\.0%/);
      expect(run.stderr).toMatch(/error rate: rag: 1\/5 questions failed/);
      checkFaultRun(readResult(s), requestsSince(before));
    } finally {
      server.setFaults(undefined);
    }
  });

  it('exits 0 when the error rate (1/5) is within --max-error-rate 0.5, and 1 with the default 5%', async () => {
    const s = scenario('faults', { generation: { maxRetries: 1 }, timeoutMs: 5_000, maxErrorRate: 0, responseCache: false });
    const dflt = scenario('faults-default', { generation: { maxRetries: 1 }, timeoutMs: 5_000, responseCache: false });
    try {
      server.setFaults(faultPlan());
      let before = server.requests.length;
      const run = await bench('faults, --max-error-rate 0.5', ['--config', s.config, '--max-error-rate', '0.5']);
      expect(run.code).toBe(0);
      expect(run.stderr).not.toMatch(/error rate:/);
      checkFaultRun(readResult(s), requestsSince(before));

      server.setFaults(faultPlan());
      before = server.requests.length;
      const d = await bench('faults, default max error rate', ['--config', dflt.config]);
      expect(d.code).toBe(1);
      expect(d.stderr).toMatch(/above the limit of 5\.0%/);
      checkFaultRun(readResult(dflt), requestsSince(before));
    } finally {
      server.setFaults(undefined);
    }
  });

  it('an invalid --max-error-rate is bad input: exit 2 before any request, nothing written', async () => {
    const s = scenario('bad-rate');
    const before = server.requests.length;
    const run = await bench('bad --max-error-rate', ['--config', s.config, '--max-error-rate', '5%']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--max-error-rate must be a number from 0 to 1, got "5%"/);
    expect(requestsSince(before)).toHaveLength(0);
    expect(existsSync(s.outDir)).toBe(false);
    expect(existsSync(join(s.cacheDir, 'runs'))).toBe(false);
  });
});

describe('interrupted runs resume without asking again', () => {
  /** Checks the finished resumed run against the journal as it was when the first process stopped. */
  function checkResumed(s: Scenario, runId: string, journaled: ResultRecord[], resumeReqs: RecordedRequest[]) {
    const result = readResult(s);
    expect(result.run.id).toBe(runId);
    expect(result.run.resumed).toBe(true);
    expect(result.records).toHaveLength(PAIRS);
    expect(pairsOf(result.records).sort()).toEqual(allPairs());
    // Pairs already in the journal are taken from it, never asked again.
    const done = new Set(pairsOf(journaled));
    const asked = resumeReqs.map((r) => callOf(r).key);
    expect(asked.filter((k) => done.has(k))).toEqual([]);
    expect(new Set(asked).size).toBe(asked.length);
    for (const j of journaled) {
      const r = result.records.find((x) => x.pipeline === j.pipeline && x.questionId === j.questionId)!;
      expect(r).toEqual(j);
    }
    // Every other pair was asked during the resume, except possibly the call in flight when the
    // first process stopped: it may have finished into the response cache without reaching the journal.
    const left = allPairs().filter((k) => !done.has(k));
    const fromCache = left.filter((k) => !asked.includes(k));
    expect(fromCache.length).toBeLessThanOrEqual(1);
    for (const k of fromCache) expect(result.records.find((r) => pairKey(r.pipeline, r.questionId) === k)!.cached).toBe(true);
    expect(asked.length).toBe(left.length - fromCache.length);
    // The journal holds each pair exactly once.
    const lines = readFileSync(join(s.cacheDir, 'runs', runId, 'records.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(PAIRS);
  }

  it('kill -9 mid-run, then --resume <runId>: one record per pair, answered pairs not re-asked', async () => {
    // The deadline is longer than the held request is ever held: it ends by the kill, never as a timeout record.
    const s = scenario('kill', { concurrency: 1, timeoutMs: 3_600_000 });
    server.setFaults(answerFirst(2));
    let child: Child | undefined;
    let journal: { runId: string; dir: string };
    try {
      child = startBench('killed run', s.config);
      journal = await waitFor('two journal records', () => journalWith(s.cacheDir, 2), child);
      child.proc.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');
    } finally {
      stop(child);
      server.setFaults(undefined);
    }
    const journaled = readJournal(journal.dir).records;
    expect(journaled).toHaveLength(2); // the third call was held unanswered until the kill
    expect(existsSync(s.outDir)).toBe(false); // killed before writing any result
    // The lock of the dead process is still there; the resume must take it over.
    expect(existsSync(join(journal.dir, 'lock'))).toBe(true);

    const before = server.requests.length;
    const run = await bench('resume after kill', ['--config', s.config, '--resume', journal.runId]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`run ${journal.runId} (resuming: ${journaled.length} answers recorded, 0 errored to retry, ${PAIRS - journaled.length} missing)`);
    checkResumed(s, journal.runId, journaled, requestsSince(before));
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: the call in flight finishes and is recorded, exit 130 with the resume command, then --resume finishes the run`, async () => {
      const s = scenario(`signal-${signal}`, { concurrency: 1, timeoutMs: 3_600_000 });
      // The second call is held by the server long enough to be in flight at the signal.
      server.setFaults(holdAfter(1, 1_500));
      const before = server.requests.length;
      let child: Child | undefined;
      let journal: { runId: string; dir: string };
      let stderr: string;
      try {
        child = startBench(`interrupted run (${signal})`, s.config);
        journal = await waitFor('a journal record', () => journalWith(s.cacheDir, 1), child);
        // Signal only once the second call has reached the server: it is in flight for sure.
        await waitFor('a second call in flight', () => (requestsSince(before).filter((r) => r.path === '/v1/chat/completions').length >= 2 ? true : null), child);
        child.proc.kill(signal);
        const exit = await child.exited;
        stderr = child.stderr();
        expect(exit, stderr).toEqual({ code: 130, signal: null });
      } finally {
        stop(child);
        server.setFaults(undefined);
      }
      expect(stderr).toMatch(/(interrupted|terminated): finishing calls in flight/);
      expect(stderr).toContain(`run ${journal.runId} stopped; answers so far are saved. Resume with: npm run bench -- --config ${s.config} --resume ${journal.runId}`);
      expect(existsSync(s.outDir)).toBe(false);
      // A clean stop releases the lock.
      expect(existsSync(join(journal.dir, 'lock'))).toBe(false);
      const journaled = readJournal(journal.dir).records;
      // The call in flight at the signal was answered and recorded (it was billed): nothing asked twice,
      // and nothing new was scheduled after the signal.
      expect(journaled).toHaveLength(2);
      expect(requestsSince(before).filter((r) => r.path === '/v1/chat/completions')).toHaveLength(2);
      expect(journaled.filter((r) => r.error)).toEqual([]);

      const resumedAt = server.requests.length;
      const run = await bench(`resume after ${signal}`, ['--config', s.config, '--resume', journal.runId]);
      expect(run.code).toBe(0);
      checkResumed(s, journal.runId, journaled, requestsSince(resumedAt));
    });
  }

  it('a second Ctrl-C quits at once, leaving the held call undone for the resume', async () => {
    const s = scenario('sigint-twice', { concurrency: 1, timeoutMs: 3_600_000 });
    server.setFaults(answerFirst(1));
    let child: Child | undefined;
    try {
      child = startBench('interrupted twice', s.config);
      const journal = await waitFor('a journal record', () => journalWith(s.cacheDir, 1), child);
      child.proc.kill('SIGINT');
      await waitFor('the interrupt notice', () => (/finishing calls in flight/.test(child!.stderr()) ? true : null), child);
      await new Promise((r) => setTimeout(r, RELAYED_SIGNAL_MS)); // sooner, it counts as the first one relayed
      child.proc.kill('SIGINT');
      const exit = await child.exited;
      expect(exit.code).toBe(130);
      expect(readJournal(journal.dir).records).toHaveLength(1);
    } finally {
      stop(child);
      server.setFaults(undefined);
    }
  });
});

describe('outage', () => {
  it('the circuit breaker stops asking a failing provider: exit 1 with the resume command, the rest left undone', async () => {
    const s = scenario('breaker', { concurrency: 1, circuitBreaker: 3, generation: { maxRetries: 0 } });
    server.setFaults((req) => (req.path === '/v1/chat/completions' ? { kind: 'status', status: 503 } : null));
    const before = server.requests.length;
    try {
      const run = await bench('circuit breaker', ['--config', s.config]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/provider "srv" failed 3 calls in a row: no more questions are sent to it/);
      expect(run.stderr).toMatch(/stopped asking "srv" after consecutive failures; 7 question\(s\) not asked\. .*resume with: npm run bench -- --config .* --resume /);
      // Three calls, then nothing: not ten questions each waiting out its retries.
      expect(requestsSince(before).filter((r) => r.path === '/v1/chat/completions')).toHaveLength(3);
      expect(existsSync(s.outDir)).toBe(false);
    } finally {
      server.setFaults(undefined);
    }
  });
});

describe('preflight', () => {
  it('a server that is not listening: exit 2 in seconds naming the provider, nothing written', async () => {
    const down = await startOpenAIServer();
    const url = down.url;
    await down.close();
    const s = scenario('preflight-down', { preflight: true, providers: { srv: { type: 'openai-compatible', baseURL: url, apiKeyEnv: KEY_ENV } } });
    const run = await bench('preflight: server down', ['--config', s.config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/provider "srv" at http:\/\/127\.0\.0\.1:\d+\/v1 is not reachable \(ECONNREFUSED\)/);
    expect(existsSync(s.outDir)).toBe(false);
    expect(existsSync(join(s.cacheDir, 'runs'))).toBe(false);
  });

  it('a rejected key: exit 2 after one request, before any question', async () => {
    const s = scenario('preflight-401', { preflight: true });
    server.setFaults((req) => (req.path === '/v1/models' ? { kind: 'status', status: 401 } : null));
    const before = server.requests.length;
    try {
      const run = await bench('preflight: bad key', ['--config', s.config]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/provider "srv" at .* rejected the API key \(HTTP 401\)/);
      expect(requestsSince(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models']);
    } finally {
      server.setFaults(undefined);
    }
  });

  it('a reachable server passes with one GET before the questions (--no-preflight skips it)', async () => {
    const s = scenario('preflight-ok', { preflight: true });
    const before = server.requests.length;
    expect((await bench('preflight ok', ['--config', s.config, '--no-cache'])).code).toBe(0);
    const reqs = requestsSince(before);
    expect(reqs[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(reqs.filter((r) => r.method === 'GET')).toHaveLength(1);
    const skipped = server.requests.length;
    expect((await bench('preflight skipped', ['--config', s.config, '--no-cache', '--no-preflight'])).code).toBe(0);
    expect(requestsSince(skipped).filter((r) => r.method === 'GET')).toHaveLength(0);
  });
});

describe('a fully cached rerun and the model behind the URL', () => {
  it('notices a swap through the preflight listing: warns, asks again, replays nothing of the old model', async () => {
    const listed = { id: MODEL, owned_by: 'llamacpp', meta: { n_params: 1_000_000 } };
    let answerOf = 'A';
    const swap = await startOpenAIServer({ models: () => [{ ...listed, created: Date.now() }], answer: () => `Model ${answerOf} says Osric Vell` });
    try {
      const s = scenario('listing-swap', { preflight: true, providers: { srv: { type: 'openai-compatible', baseURL: swap.url, apiKeyEnv: KEY_ENV } } });
      const posts = () => swap.requests.filter((r) => r.method === 'POST').length;
      expect((await bench('listing: first', ['--config', s.config])).code).toBe(0);
      const asked = posts();
      // Same listing (only `created` moves, as llama.cpp stamps it per request): all cached.
      const same = await bench('listing: same', ['--config', s.config]);
      expect(same.code).toBe(0);
      expect(posts()).toBe(asked);
      expect(same.stdout + same.stderr).not.toMatch(/model listing/);
      // Restarted with other weights under the same name: nothing may be replayed.
      listed.meta.n_params = 7_000_000_000;
      answerOf = 'B';
      const swapped = await bench('listing: swapped', ['--config', s.config]);
      expect(swapped.code).toBe(0);
      expect(swapped.stdout + swapped.stderr).toMatch(/model listing for .* changed since answers were cached/);
      expect(posts()).toBe(2 * asked);
      const result = JSON.parse(readFileSync(join(s.outDir, 'latest.json'), 'utf8')) as RunResult;
      expect(result.records.every((r) => r.answer === 'Model B says Osric Vell' && !r.cached)).toBe(true);
      expect(result.run.warnings.some((w) => /model listing/.test(w))).toBe(true);
    } finally {
      await swap.close();
    }
  });
});

describe('keys', () => {
  it('a missing key: exit 2 naming the variable, no request, nothing written', async () => {
    const s = scenario('no-key');
    const before = server.requests.length;
    const run = await bench('missing key', ['--config', s.config], { [KEY_ENV]: undefined });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/provider "srv" needs an API key: set the environment variable RAGVFT_TEST_KEY/);
    expect(requestsSince(before)).toHaveLength(0);
    expect(existsSync(s.outDir)).toBe(false);
    expect(existsSync(join(s.cacheDir, 'runs'))).toBe(false);
  });

  it('a 401 whose body echoes the key: the run records the error, redacted', async () => {
    const s = scenario('echo-401', { generation: { maxRetries: 1 } });
    server.setFaults((req) => {
      const auth = String(req.headers.authorization);
      const key = auth.replace(/^Bearer /, '');
      return { kind: 'status', status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${key} (got header "Authorization: ${auth}")`, type: 'invalid_request_error', code: 'invalid_api_key' } }) };
    });
    const before = server.requests.length;
    try {
      const run = await bench('401 echoing the key', ['--config', s.config]);
      expect(run.code).toBe(1); // every question failed
      const reqs = requestsSince(before);
      expect(reqs).toHaveLength(PAIRS); // a 401 is not retried
      expect(reqs.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
      const result = readResult(s);
      expect(result.records).toHaveLength(PAIRS);
      for (const r of result.records) {
        expect(r.error).not.toBeNull();
        // The echoed key reached the message and was redacted there.
        expect(r.error!.message).toMatch(/Incorrect API key provided: \[REDACTED\]/);
      }
      expect(run.stderr).toMatch(/Incorrect API key provided: \[REDACTED\]/); // progress notes
    } finally {
      server.setFaults(undefined);
    }
  });

  it('the key appears in no file under any outDir or cacheDir, nor in any output', () => {
    const files = listFiles(work);
    // Every scenario wrote something: results, journals, caches, models.
    expect(files.filter((f) => /[/\\]results[/\\][^/\\]+\.json$/.test(f)).length).toBeGreaterThan(5);
    expect(files.some((f) => f.includes(join('cache', 'responses')))).toBe(true);
    expect(files.some((f) => f.endsWith('records.jsonl'))).toBe(true);
    const leaks = files.filter((f) => readFileSync(f).toString('latin1').includes(KEY));
    expect(leaks).toEqual([]);
    // Nor hex/base64 variants would make sense here; the plain key in utf-16 would, cheaply:
    const utf16 = Buffer.from(KEY, 'utf16le').toString('latin1');
    expect(files.filter((f) => readFileSync(f).toString('latin1').includes(utf16))).toEqual([]);
    expect(outputs.length).toBeGreaterThanOrEqual(15);
    expect(outputs.filter((o) => o.text.includes(KEY)).map((o) => o.label)).toEqual([]);
  });
});

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}
