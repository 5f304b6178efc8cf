/**
 * `bench --resume` after an outage, end to end (the real CLI against the loopback
 * OpenAI-compatible server): the resume runs the missing and the failed pairs, replacing the
 * failed records (`--keep-errors` keeps them), the response cache never replays a failure, the
 * printed resume command is the one to run, and a kill -9 mid-resume loses or doubles nothing.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultSchema, type ResultRecord, type RunResult } from '../src/results/schema.js';
import { readJournal } from '../src/run/journal.js';
import { runCli, type CliRun } from './helpers/cli.js';
import { defaultAnswer, startOpenAIServer, type Fault, type OpenAIServer, type PromptInfo, type RecordedRequest } from './helpers/openai-server.js';
import { journalWith } from './helpers/runs.js';
import { questionIdsByText, type Scenario, writeScenario } from './helpers/scenario.js';
import { writeTinyDataset } from './helpers/tiny-dataset.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KEY_ENV = 'RAGVFT_RESUME_TEST_KEY';
const ENV = { [KEY_ENV]: 'sk-resume-test-0123456789' };
const JUDGE_ID = 'judge-m';
const PIPELINES = ['closed-book', 'rag'];
const QUESTIONS = ['q1', 'q2', 'q3', 'q4', 'q5'];
const PAIRS = PIPELINES.length * QUESTIONS.length;

let server: OpenAIServer;
let work: string;
let datasetDir: string;
let questionIdByText: Map<string, string>;

/** The judge (model judge-m on the same server) calls every answer correct. */
const answer = (p: PromptInfo) => (p.model === JUDGE_ID ? JSON.stringify({ reason: 'ok', verdict: 'correct', matchesStale: false }) : defaultAnswer(p));

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ragvft-resume-'));
  datasetDir = writeTinyDataset();
  questionIdByText = questionIdsByText(datasetDir);
  server = await startOpenAIServer({ answer });
});

afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(datasetDir, { recursive: true, force: true });
});

/** closed-book + rag on `srv:model-a` at the loopback server; no retries, so a fault is a failed pair. */
function scenario(name: string, over: Record<string, unknown> = {}): Scenario {
  return writeScenario(work, name, {
    dataset: datasetDir,
    providers: { srv: { type: 'openai-compatible', baseURL: server.url, apiKeyEnv: KEY_ENV } },
    models: { base: 'srv:model-a' },
    generation: { maxRetries: 0 },
    cost: { prices: { 'srv:model-a': { input: 1, output: 2 }, [`srv:${JUDGE_ID}`]: { input: 1, output: 2 } } },
    maxErrorRate: 0,
  }, over);
}

const bench = (args: string[]): Promise<CliRun> => runCli(['bench', ...args], { env: ENV, timeoutMs: 90_000 });

/** The arguments of the `npm run bench -- …` command a run printed last. */
function printedResume(stderr: string): string[] {
  const all = [...stderr.matchAll(/npm run bench -- (.*?)(?: \(it also retries[^)]*\))?$/gm)];
  expect(all.length, stderr).toBeGreaterThan(0);
  return all.at(-1)![1]!.split(' ');
}

const pairKey = (pipeline: string, questionId: string) => `${pipeline}/${questionId}`;
const allPairs = () => PIPELINES.flatMap((p) => QUESTIONS.map((q) => pairKey(p, q))).sort();
const pairsOf = (records: ResultRecord[]) => records.map((r) => pairKey(r.pipeline, r.questionId));
const isJudge = (req: RecordedRequest) => (req.body as { model?: string }).model === JUDGE_ID;
const chats = (from: number) => server.requests.slice(from).filter((r) => r.path === '/v1/chat/completions');

/** The (pipeline, question) an answer request is for, from the prompt the harness built. */
function pairOf(req: RecordedRequest): string {
  const user = (req.body as { messages: { role: string; content: string }[] }).messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  const q = questionIdByText.get(/Question \(asked on [^)]*\): (.*)\nAnswer:$/.exec(user)?.[1] ?? '');
  if (!q) throw new Error(`request ${req.n} is for no known question`);
  return pairKey(user.startsWith('Context:\n') ? 'rag' : 'closed-book', q);
}
const answerPairs = (from: number) => chats(from).filter((r) => !isJudge(r)).map(pairOf).sort();

function readResult(s: Scenario, runId: string): RunResult {
  return ResultSchema.parse(JSON.parse(readFileSync(join(s.outDir, `${runId}.json`), 'utf8')));
}

const journalLines = (s: Scenario, runId: string) => readFileSync(join(s.cacheDir, 'runs', runId, 'records.jsonl'), 'utf8').trim().split('\n');

/** A finished run with no failures: every pair once, and the summary counts these records only. */
function checkComplete(result: RunResult) {
  expect(result.run.resumed).toBe(true);
  expect(pairsOf(result.records).sort()).toEqual(allPairs());
  expect(result.records.filter((r) => r.error)).toEqual([]);
  for (const p of result.pipelines) {
    expect(p.summary.questions).toBe(QUESTIONS.length);
    expect(p.summary.errors).toBe(0);
    expect(p.summary.errorsByKind).toEqual({});
  }
}

describe('resume after failed calls', () => {
  const s = () => scenario('outage', { judge: { model: `srv:${JUDGE_ID}`, concurrency: 1 }, scoring: { primary: 'judge' } });
  let sc: Scenario;
  let runId: string;
  let firstRecords: ResultRecord[];
  let firstStderr: string;

  it('a 500 (q2) and a stream cut mid-way (q3) are failed pairs: exit 1, and the hint says resume retries them', async () => {
    sc = s();
    const outDir = join(work, 'outage', 'elsewhere');
    server.setFaults((req) => {
      if (req.path !== '/v1/chat/completions' || isJudge(req)) return null;
      const q = pairOf(req).split('/')[1];
      return q === 'q2' ? { kind: 'status', status: 500 } : q === 'q3' ? { kind: 'cut-stream', afterChunks: 2 } : null;
    });
    let run: CliRun;
    try {
      run = await bench(['--config', sc.config, '--out-dir', outDir]);
    } finally {
      server.setFaults(undefined);
    }
    firstStderr = run.stderr;
    expect(run.code, run.stderr).toBe(1);
    sc = { ...sc, outDir };
    const latest = ResultSchema.parse(JSON.parse(readFileSync(join(outDir, 'latest.json'), 'utf8')));
    runId = latest.run.id;
    firstRecords = latest.records;
    const failed = latest.records.filter((r) => r.error);
    expect(pairsOf(failed).sort()).toEqual(['closed-book/q2', 'closed-book/q3', 'rag/q2', 'rag/q3']);
    expect(failed.every((r) => r.error!.kind === 'server' && r.scores.judge === undefined)).toBe(true);
    expect(run.stderr).toContain(`ragvft: 4 failed pair(s) of run ${runId}; once the cause is fixed, resume retries them: npm run bench -- --config ${sc.config} --out-dir ${outDir} --resume ${runId}\n`);
  });

  it('--keep-errors runs nothing more and keeps the failed records; its hint resumes without it', async () => {
    const before = server.requests.length;
    const run = await bench([...printedResume(firstStderr), '--keep-errors']);
    expect(run.code, run.stderr).toBe(1); // still over maxErrorRate 0
    expect(run.stderr).toContain(`run ${runId} (resuming: 6 answers recorded, 4 errored kept (--keep-errors), 0 missing)`);
    expect(server.requests.length).toBe(before);
    const result = readResult(sc, runId);
    expect(result.run.resumed).toBe(true);
    expect(result.records).toEqual(firstRecords);
    expect(result.pipelines.map((p) => p.summary.errors)).toEqual([2, 2]);
    expect(printedResume(run.stderr)).not.toContain('--keep-errors');
    firstStderr = run.stderr;
  });

  it('the printed resume, server healthy, asks exactly the failed pairs again (no cache replay), judges them, and replaces their records', async () => {
    const before = server.requests.length;
    const run = await bench(printedResume(firstStderr));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`run ${runId} (resuming: 6 answers recorded, 4 errored to retry, 0 missing)`);
    // Each failed pair asked once, none of the answered ones; the judge grades the four new answers only.
    expect(answerPairs(before)).toEqual(['closed-book/q2', 'closed-book/q3', 'rag/q2', 'rag/q3']);
    expect(chats(before).filter(isJudge)).toHaveLength(4);

    const result = readResult(sc, runId);
    checkComplete(result);
    for (const r of result.records) {
      const was = firstRecords.find((f) => f.pipeline === r.pipeline && f.questionId === r.questionId)!;
      if (was.error) {
        expect(r.cached).toBe(false);
        expect(r.answer).toMatch(/^The answer is [0-9a-f]{8} indeed$/);
        expect(r.scores.judge).toMatchObject({ verdict: 'correct', error: null });
      } else expect(r).toEqual(was);
    }
    expect(result.pipelines.map((p) => p.summary.latencyMs.count)).toEqual([5, 5]);
    // Only appended to: a superseding line per retried pair, one record per pair on read.
    expect(journalLines(sc, runId)).toHaveLength(PAIRS + 4);
    expect(readJournal(join(sc.cacheDir, 'runs', runId)).records).toHaveLength(PAIRS);
  });

  it('resuming the finished run again asks nothing and writes the same records', async () => {
    const before = server.requests.length;
    const run = await bench(printedResume(firstStderr));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`(resuming: ${PAIRS} answers recorded, 0 errored to retry, 0 missing)`);
    expect(server.requests.length).toBe(before);
    checkComplete(readResult(sc, runId));
  });
});

describe('resume after the circuit breaker tripped', () => {
  it('retries the failed pairs and asks the missing ones; the hint keeps --no-cache', async () => {
    const sc = scenario('breaker', { concurrency: 1, circuitBreaker: 3 });
    server.setFaults((req) => (req.path === '/v1/chat/completions' ? { kind: 'status', status: 503 } : null));
    let first: CliRun;
    try {
      first = await bench(['--config', sc.config, '--no-cache']);
    } finally {
      server.setFaults(undefined);
    }
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toMatch(/stopped asking "srv" after consecutive failures; 7 question\(s\) not asked\./);
    const runId = journalWith(sc.cacheDir, 3)!.runId;
    expect(first.stderr).toContain(`resume with: npm run bench -- --config ${sc.config} --no-cache --resume ${runId} (it also retries the 3 failed)\n`);

    const before = server.requests.length;
    const run = await bench(printedResume(first.stderr));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`run ${runId} (resuming: 0 answers recorded, 3 errored to retry, 7 missing)`);
    expect(answerPairs(before)).toEqual(allPairs());
    checkComplete(readResult(sc, runId));
  });
});

describe('kill -9 in the middle of a resume', () => {
  type Child = ChildProcessByStdio<null, Readable, Readable>;

  it('loses and doubles nothing: the pairs retried before the kill are kept, the rest retried by the next resume', async () => {
    const sc = scenario('kill', { concurrency: 1, timeoutMs: 3_600_000, circuitBreaker: null });
    server.setFaults((req) => (req.path === '/v1/chat/completions' ? { kind: 'status', status: 500 } : null));
    let first: CliRun;
    try {
      first = await bench(['--config', sc.config]);
    } finally {
      server.setFaults(undefined);
    }
    expect(first.code, first.stderr).toBe(1);
    const { runId, dir } = journalWith(sc.cacheDir, PAIRS)!;
    expect(readJournal(dir).records.every((r) => r.error?.kind === 'server')).toBe(true);

    // The resume answers three retries, then the fourth call is held until the kill.
    let answered = 0;
    server.setFaults((req): Fault | null => (req.path === '/v1/chat/completions' && answered++ >= 3 ? { kind: 'delay', ms: 3_600_000 } : null));
    let child: Child | undefined;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/ragvft.ts', 'bench', '--config', sc.config, '--resume', runId], { cwd: ROOT, env: { ...process.env, ...ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise((resolve) => child!.on('close', resolve));
      while (!journalWith(sc.cacheDir, PAIRS + 3)) {
        if (child.exitCode !== null) throw new Error('the resume exited before the kill');
        await new Promise((r) => setTimeout(r, 25));
      }
      child.kill('SIGKILL');
      await exited;
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      server.setFaults(undefined);
    }
    const mid = readJournal(dir).records;
    expect(mid).toHaveLength(PAIRS);
    const retried = mid.filter((r) => !r.error);
    expect(retried).toHaveLength(3);

    const before = server.requests.length;
    const run = await bench(['--config', sc.config, '--resume', runId]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`(resuming: 3 answers recorded, 7 errored to retry, 0 missing)`);
    // The held call never finished, so nothing reached the cache: the seven are asked again.
    expect(answerPairs(before)).toEqual(allPairs().filter((k) => !pairsOf(retried).includes(k)));
    const result = readResult(sc, runId);
    checkComplete(result);
    for (const r of retried) expect(result.records.find((x) => x.pipeline === r.pipeline && x.questionId === r.questionId)).toEqual(r);
    expect(journalLines(sc, runId)).toHaveLength(2 * PAIRS);
  });
});

describe('bad input', () => {
  it('--keep-errors without --resume: exit 2, nothing asked', async () => {
    const sc = scenario('keep-alone');
    const before = server.requests.length;
    const run = await bench(['--config', sc.config, '--keep-errors']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--keep-errors only applies to --resume <runId>/);
    expect(server.requests.length).toBe(before);
  });
});
