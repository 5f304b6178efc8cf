/**
 * `ragvft bench` end to end (the real CLI in a child process) against a SCRIPTED chat-style
 * model on the loopback OpenAI-compatible server: every (question, pipeline) gets an answer
 * written the way chat models answer, whose outcome was decided by hand in advance
 * (test/helpers/chat-script.ts). The result JSON must carry exactly those labels, and the
 * summary metrics the counts that follow from them. Then: usage a server does not send, an
 * unpriced model, and the LLM judge (scripted on the same server) with its cost, agreement,
 * response cache and resume.
 *
 * No clock is read: requests are counted instead.
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
import {
  answerCallOf,
  CHAT_MODEL_ID,
  isJudge,
  judgedEntry,
  judgeReplyOf,
  JUDGE_MODEL_ID,
  type Label,
  labelOf,
  type Pipeline,
  PIPELINES,
  QUESTIONS,
  type Scripted,
  type ScriptedQuestion,
  scriptedFinishReason,
  scriptedReply,
  writeChatDataset,
} from './helpers/chat-script.js';
import { runCli, type CliRun } from './helpers/cli.js';
import { type Scenario, writeScenario } from './helpers/scenario.js';
import { type Fault, type OpenAIServer, type PromptInfo, type RecordedRequest, startOpenAIServer } from './helpers/openai-server.js';
import { journalWith } from './helpers/runs.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODEL = `chat:${CHAT_MODEL_ID}`;
const JUDGE = `chat:${JUDGE_MODEL_ID}`;
const PRICE = { input: 2, output: 8 }; // USD per 1M tokens
const JUDGE_PRICE = { input: 1, output: 4 };
const PAIRS = PIPELINES.length * QUESTIONS.length;

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
const key = (pipeline: string, questionId: string) => `${pipeline}/${questionId}`;

let server: OpenAIServer;
let work: string;
let datasetDir: string;
/** While true, the server sends no token usage (a server that ignores stream_options.include_usage). */
let omitUsage = false;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ragvft-bench-chat-'));
  datasetDir = writeChatDataset();
  server = await startOpenAIServer({ answer: scriptedReply, finishReason: scriptedFinishReason, omitUsage: () => omitUsage });
});

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  if (datasetDir) rmSync(datasetDir, { recursive: true, force: true });
});

/** A config file: the chat provider on the loopback server, closed-book + rag, no fine-tunes. */
function scenario(name: string, over: Record<string, unknown> = {}): Scenario {
  const base = {
    dataset: datasetDir,
    providers: { chat: { type: 'openai-compatible', baseURL: server.url } },
    models: { base: MODEL },
    // Two empty answers in 24 are 8% errors: above the default 5%, which would exit 1.
    maxErrorRate: 0.5,
    cost: { prices: { [MODEL]: PRICE } },
  };
  return writeScenario(work, name, base, over);
}

async function bench(args: string[]): Promise<CliRun> {
  return runCli(['bench', ...args], { timeoutMs: 60_000 });
}

function readResult(s: Scenario): RunResult {
  return ResultSchema.parse(JSON.parse(readFileSync(join(s.outDir, 'latest.json'), 'utf8')));
}

function promptOf(req: RecordedRequest): PromptInfo {
  const b = req.body as { model: string; messages: { role: string; content: unknown }[] };
  const text = (c: unknown) => (typeof c === 'string' ? c : Array.isArray(c) ? c.map((p: { text?: string }) => p.text ?? '').join('') : '');
  const system = b.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => text(m.content));
  return { model: b.model, system: system.length ? system.join('\n') : undefined, user: b.messages.filter((m) => m.role === 'user').map((m) => text(m.content)).join('\n') };
}

const chatRequests = (from: number) => server.requests.slice(from).filter((r) => r.path === '/v1/chat/completions');
const answerRequests = (from: number) => chatRequests(from).filter((r) => !isJudge(promptOf(r)));
const judgeRequests = (from: number) => chatRequests(from).filter((r) => isJudge(promptOf(r)));

const entries = PIPELINES.flatMap((pipeline) => QUESTIONS.map((q) => ({ pipeline, q, s: q.script[pipeline] })));
const recordOf = (result: RunResult, pipeline: string, questionId: string) => {
  const r = result.records.find((x) => x.pipeline === pipeline && x.questionId === questionId);
  if (!r) throw new Error(`no record for ${key(pipeline, questionId)}`);
  return r;
};
const summaryOf = (result: RunResult, name: string) => result.pipelines.find((p) => p.name === name)!.summary;

/** The record fields the script intends (under the lenient scorer, or the judge). */
function intended(q: ScriptedQuestion, s: Scripted, primary: 'lenient' | 'judge' = 'lenient'): Label {
  return labelOf(q.category, primary === 'judge' && s.judgedAs ? s.judgedAs : s.kind);
}

interface Counted {
  pipeline: Pipeline;
  q: ScriptedQuestion;
  s: Scripted;
  label: Label;
}

/** Expected { n, sum } of each registered metric, counted from the script's labels (the definitions of src/metrics/registry.ts). */
function expectedMetrics(rows: Counted[]) {
  const ok = rows.filter((r) => r.label.error === null);
  const answerable = rows.filter((r) => r.q.category !== 'unanswerable');
  const unanswerable = rows.filter((r) => r.q.category === 'unanswerable');
  const updated = ok.filter((r) => r.q.category === 'updated');
  const post = ok.filter((r) => r.q.category === 'updated' || r.q.category === 'new');
  const count = (xs: Counted[], f: (r: Counted) => boolean) => ({ n: xs.length, sum: xs.filter(f).length });
  return {
    accuracy: count(answerable, (r) => r.label.correct),
    strictEM: count(answerable, (r) => r.label.error === null && r.s.exact === true),
    abstentionAccuracy: count(unanswerable, (r) => r.label.abstained),
    hallucinationRate: count(unanswerable.filter((r) => r.label.error === null), (r) => r.label.hallucinated),
    wrongAnswerRate: count(ok, (r) => r.label.hallucinated),
    staleRate: count(updated, (r) => r.label.freshness === 'stale'),
    missingRate: count(post, (r) => r.label.freshness === 'missing'),
    freshWrongRate: count(post, (r) => r.label.freshness === 'wrong'),
    errorRate: count(rows, (r) => r.label.error !== null),
  };
}

function checkMetrics(result: RunResult, pipeline: Pipeline, primary: 'lenient' | 'judge') {
  const rows = entries.filter((e) => e.pipeline === pipeline).map((e) => ({ ...e, label: intended(e.q, e.s, primary) }));
  const metrics = summaryOf(result, pipeline).metrics;
  for (const [id, { n, sum }] of Object.entries(expectedMetrics(rows))) {
    const m = metrics[id];
    expect(m, `${pipeline} ${id}`).toBeDefined();
    expect({ n: m.n, sum: m.sum }, `${pipeline} ${id}`).toEqual({ n, sum });
    expect(m.value!, `${pipeline} ${id}`).toBeCloseTo(sum / n, 6);
  }
}

describe('bench on a scripted chat-style model: every record scored as intended', () => {
  let s: Scenario;
  let result: RunResult;
  let requests: RecordedRequest[];

  beforeAll(async () => {
    s = scenario('chat');
    const before = server.requests.length;
    const run = await bench(['--config', s.config]);
    expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    expect(run.code, run.stderr).toBe(0);
    result = readResult(s);
    requests = chatRequests(before);
  });

  it('sent one request per (question, pipeline), each the pipeline the script answers', () => {
    expect(requests).toHaveLength(PAIRS);
    const asked = requests.map((r) => answerCallOf(promptOf(r))).map((c) => key(c.pipeline, c.q.id));
    expect(asked.sort()).toEqual(entries.map((e) => key(e.pipeline, e.q.id)).sort());
    expect(result.records).toHaveLength(PAIRS);
    expect(result.run.dataset).toMatchObject({ name: 'orsk-chat', questions: 24, trainingCutoff: '2030-06-30' });
    // The script is what the test says it is: 10 static, 6 updated, 4 new, 4 unanswerable, distinct answers per question.
    expect(QUESTIONS.map((q) => q.category).join(' ')).toBe(
      `${'static '.repeat(10)}${'updated '.repeat(6)}${'new '.repeat(4)}${'unanswerable '.repeat(4)}`.trim(),
    );
    for (const q of QUESTIONS) expect(q.script['closed-book'].answer, q.id).not.toBe(q.script.rag.answer);
  });

  it("every record's correct, abstained, hallucinated, freshness, error and finish reason are the script's", () => {
    const got: Record<string, unknown> = {};
    const want: Record<string, unknown> = {};
    for (const { pipeline, q, s: e } of entries) {
      const rec = recordOf(result, pipeline, q.id);
      const k = key(pipeline, q.id);
      const label = intended(q, e);
      got[k] = { answer: rec.answer, correct: rec.correct, abstained: rec.abstained, hallucinated: rec.hallucinated, freshness: rec.freshness, error: rec.error?.kind ?? null, finishReason: rec.finishReason };
      want[k] = { answer: label.error ? null : e.answer, ...label, finishReason: label.error ? rec.finishReason : e.truncated ? 'length' : 'stop' };
      // Strict EM: 1 for the answers the script marks exact, and for declining an unanswerable question.
      const em = label.error ? 0 : q.category === 'unanswerable' ? (label.abstained ? 1 : 0) : e.exact ? 1 : 0;
      expect(rec.scores.strict.exactMatch, `${k} strict EM`).toBe(em);
      expect(rec.scores.lenient.correct, `${k} lenient`).toBe(label.correct);
      expect(rec.scores.judge, k).toBeUndefined();
      expect(rec.category).toBe(q.category);
    }
    expect(got).toEqual(want);
  });

  it('an empty answer is an error of kind "empty": never an abstention, out of freshness rates and of the hallucination rate', () => {
    const empties = entries.filter((e) => e.s.kind === 'empty');
    expect(empties.map((e) => key(e.pipeline, e.q.id))).toEqual(['closed-book/u6', 'rag/n2', 'rag/x2']);
    for (const e of empties) {
      const rec = recordOf(result, e.pipeline, e.q.id);
      expect(rec.error).toEqual({ kind: 'empty', message: expect.stringMatching(/returned no text/) });
      expect(rec).toMatchObject({ answer: null, abstained: false, correct: false, hallucinated: false });
      expect(rec.freshness).toBe(e.q.category === 'unanswerable' ? null : 'error');
    }
    expect(summaryOf(result, 'closed-book')).toMatchObject({ errors: 1, errorsByKind: { empty: 1 } });
    expect(summaryOf(result, 'rag')).toMatchObject({ errors: 2, errorsByKind: { empty: 2 } });
    const rag = summaryOf(result, 'rag').metrics;
    // rag/n2 is a new question: out of missingRate's and freshWrongRate's denominators (6 updated + 4 new - 1).
    expect(rag.missingRate.n).toBe(9);
    expect(rag.freshWrongRate.n).toBe(9);
    // rag/x2 is unanswerable: it did not decline (abstention accuracy 2/4), nor is it a hallucination (out of 3).
    expect(rag.abstentionAccuracy).toEqual({ value: 0.5, n: 4, sum: 2 });
    expect(rag.hallucinationRate).toMatchObject({ n: 3, sum: 1 });
  });

  it('summary metrics are the counts that follow from the script', () => {
    for (const p of PIPELINES) checkMetrics(result, p, 'lenient');
    // The same figures by hand (closed-book | rag), so a slip in expectedMetrics cannot hide one.
    const v = (p: Pipeline, id: string) => summaryOf(result, p).metrics[id];
    const pair = (id: string) => [v('closed-book', id), v('rag', id)].map((m) => `${m.sum}/${m.n}`);
    expect(pair('accuracy')).toEqual(['6/20', '16/20']);
    expect(pair('strictEM')).toEqual(['2/20', '2/20']);
    expect(pair('staleRate')).toEqual(['4/5', '1/6']);
    expect(pair('missingRate')).toEqual(['3/9', '1/9']);
    expect(pair('freshWrongRate')).toEqual(['2/9', '0/9']);
    expect(pair('abstentionAccuracy')).toEqual(['2/4', '2/4']);
    expect(pair('hallucinationRate')).toEqual(['2/4', '1/3']);
    expect(pair('wrongAnswerRate')).toEqual(['11/23', '2/22']);
    expect(pair('errorRate')).toEqual(['1/24', '2/24']);
    expect(summaryOf(result, 'closed-book').abstentions).toBe(6);
    expect(summaryOf(result, 'rag').abstentions).toBe(4);
    // byCategory: updated questions of closed-book are all stale or missing, or failed.
    expect(summaryOf(result, 'closed-book').byCategory.updated).toMatchObject({ questions: 6, errors: 1, metrics: { accuracy: { value: 0, n: 6, sum: 0 } } });
  });

  it('counts truncated answers, and warns about the output-token limit only where over 5% are cut', () => {
    // Over completed calls (answers and empty outputs): closed-book 2 of 24 (8.3%) warns; rag's 1 stays under 5%.
    expect(summaryOf(result, 'closed-book').truncated).toBe(2);
    expect(summaryOf(result, 'rag').truncated).toBe(1);
    const cut = result.run.warnings.filter((w) => /output-token limit/.test(w));
    expect(cut).toEqual(['closed-book: 2 of 24 answers hit the output-token limit (finish reason "length"); raise generation.maxOutputTokens']);
    // Every call reported usage, and the model has a price: no other warning.
    expect(result.run.warnings.filter((w) => !/past end of life/.test(w))).toEqual(cut);
    // A truncated answer is scored on what it says: rag/u1 still names the current mayor.
    expect(recordOf(result, 'rag', 'u1')).toMatchObject({ finishReason: 'length', correct: true, freshness: 'current' });
  });

  it('tokens and cost follow the server usage and the price', () => {
    for (const req of requests) {
      const p = promptOf(req);
      const { q, pipeline } = answerCallOf(p);
      const rec = recordOf(result, pipeline, q.id);
      const tokens = { input: words(`${p.system ?? ''} ${p.user}`), output: words(q.script[pipeline].answer) };
      expect(rec.tokens, key(pipeline, q.id)).toEqual(tokens);
      expect(rec.costUsd!, key(pipeline, q.id)).toBeCloseTo((tokens.input * PRICE.input + tokens.output * PRICE.output) / 1e6, 12);
    }
    for (const p of PIPELINES) expect(summaryOf(result, p).tokens.unknownUsage).toBe(0);
  });
});

describe('usage the server does not send, and models without a price', () => {
  let noUsage: RunResult;

  beforeAll(async () => {
    const s = scenario('no-usage');
    omitUsage = true;
    try {
      const run = await bench(['--config', s.config]);
      expect(run.code, run.stderr).toBe(0);
    } finally {
      omitUsage = false;
    }
    noUsage = readResult(s);
  });

  it('answers without usage: tokens null and cost null at a known price, counted in tokens.unknownUsage', () => {
    expect(noUsage.records).toHaveLength(PAIRS);
    for (const rec of noUsage.records.filter((r) => !r.error)) {
      expect(rec.tokens, key(rec.pipeline, rec.questionId)).toBeNull();
      expect(rec.costUsd, key(rec.pipeline, rec.questionId)).toBeNull();
    }
    expect(summaryOf(noUsage, 'closed-book').tokens).toEqual({ input: 0, output: 0, unknownUsage: 23 });
    expect(summaryOf(noUsage, 'rag').tokens).toEqual({ input: 0, output: 0, unknownUsage: 22 });
    for (const p of PIPELINES) expect(summaryOf(noUsage, p).costUsd.inferenceUsd).toBeNull();
  });

  it('an empty answer without usage has unknown cost too (the provider billed the call), never 0', () => {
    // An empty answer is a completed, billed call (e.g. a reasoning model that spent its budget):
    // with no usage reported its cost is unknown, like any other answer's.
    for (const e of entries.filter((x) => x.s.kind === 'empty')) {
      const rec = recordOf(noUsage, e.pipeline, e.q.id);
      expect(rec.error?.kind).toBe('empty');
      expect(rec.tokens).toBeNull();
      expect(rec.costUsd, key(e.pipeline, e.q.id)).toBeNull();
    }
  });

  it('exactly one warning names the provider and include_usage', () => {
    const usage = noUsage.run.warnings.filter((w) => /include_usage/.test(w));
    expect(usage, JSON.stringify(usage, null, 2)).toHaveLength(1);
    expect(usage[0]).toMatch(/^chat: /);
    expect(usage[0]).toContain(MODEL);
    expect(noUsage.run.warnings.filter((w) => /\bchat\b/.test(w) && /usage/.test(w))).toHaveLength(1);
  });

  it('a model without a price and a server 500 on some questions: failed records cost null (unknown), never 0', async () => {
    const unpriced = 'chat:unpriced-model';
    const s = scenario('unpriced', { models: { base: unpriced }, cost: { prices: {} }, generation: { maxRetries: 0 } });
    const failing = new Set(['s1', 'u2', 'x4']);
    server.setFaults((req) => {
      if (req.path !== '/v1/chat/completions') return null;
      const p = promptOf(req);
      return !isJudge(p) && failing.has(answerCallOf(p).q.id) ? ({ kind: 'status', status: 500 } satisfies Fault) : null;
    });
    let run: CliRun;
    try {
      run = await bench(['--config', s.config]);
    } finally {
      server.setFaults(undefined);
    }
    expect(run.code, run.stderr).toBe(0);
    const result = readResult(s);
    expect(result.run.models).toEqual({ 'closed-book': unpriced, rag: unpriced });
    for (const rec of result.records) {
      const k = key(rec.pipeline, rec.questionId);
      if (failing.has(rec.questionId)) {
        expect(rec.error?.kind, k).toBe('server');
        expect(rec.costUsd, k).toBeNull();
        expect(rec.correct, k).toBe(false);
        expect(rec.abstained, k).toBe(false);
      } else {
        // Known usage, unknown price: still unknown.
        if (!rec.error) expect(rec.tokens, k).not.toBeNull();
        expect(rec.costUsd, k).toBeNull();
      }
    }
    for (const p of PIPELINES) {
      const sum = summaryOf(result, p);
      expect(sum.errorsByKind.server).toBe(3);
      expect(sum.costUsd.inferenceUsd).toBeNull();
      expect(sum.costUsd.perThousandQuestionsUsd).toBeNull();
    }
    expect(result.run.warnings).toContain(`${unpriced}: no known price, cost reported as null (add it under cost.prices)`);
  });
});

describe('the LLM judge end to end', () => {
  let s: Scenario;
  let first: RunResult;
  let firstJudge: RecordedRequest[];
  const judgeConfig = {
    judge: { model: JUDGE, concurrency: 1 },
    scoring: { primary: 'judge' },
    cost: { prices: { [MODEL]: PRICE, [JUDGE]: JUDGE_PRICE } },
  };
  /** Entries the judge sees: every answer with text (empty answers are errors, never judged). */
  const judgedEntries = entries.filter((e) => e.s.kind !== 'empty');
  const isJudgeError = (e: { s: Scripted }) => e.s.judge !== undefined && 'raw' in e.s.judge;

  beforeAll(async () => {
    s = scenario('judge', judgeConfig);
    const before = server.requests.length;
    const run = await bench(['--config', s.config]);
    expect(run.code, run.stderr).toBe(0);
    first = readResult(s);
    firstJudge = judgeRequests(before);
    expect(answerRequests(before)).toHaveLength(PAIRS);
  });

  it('judges each answer once, and records the verdict it gave in scores.judge', () => {
    expect(firstJudge).toHaveLength(judgedEntries.length);
    expect(judgedEntries).toHaveLength(45);
    const graded = firstJudge.map((r) => judgedEntry(promptOf(r))).map((j) => key(j.pipeline, j.q.id));
    expect(graded.sort()).toEqual(judgedEntries.map((e) => key(e.pipeline, e.q.id)).sort());
    for (const { pipeline, q, s: e } of entries) {
      const rec = recordOf(first, pipeline, q.id);
      const k = key(pipeline, q.id);
      if (e.kind === 'empty') {
        expect(rec.scores.judge, k).toBeUndefined();
        continue;
      }
      const j = rec.scores.judge!;
      expect(j, k).toBeDefined();
      if (isJudgeError({ s: e })) {
        expect(j, k).toMatchObject({ verdict: null, correct: null, matchesStale: null, cached: false });
        expect(j.error, k).toMatch(/^judge-unparseable: /);
        continue;
      }
      const reply = JSON.parse(judgeReplyOf(q, e)) as { verdict: string; matchesStale: boolean };
      const matchesStale = q.category === 'updated' && reply.matchesStale;
      expect({ verdict: j.verdict, matchesStale: j.matchesStale, correct: j.correct, error: j.error, cached: j.cached }, k).toEqual({
        verdict: reply.verdict,
        matchesStale,
        correct: reply.verdict === 'correct' && !matchesStale,
        error: null,
        cached: false,
      });
    }
  });

  it('correct follows the judge on answerable questions (and declining on unanswerable ones)', () => {
    const got: Record<string, unknown> = {};
    const want: Record<string, unknown> = {};
    for (const { pipeline, q, s: e } of entries) {
      const rec = recordOf(first, pipeline, q.id);
      const label = intended(q, e, 'judge');
      got[key(pipeline, q.id)] = { correct: rec.correct, abstained: rec.abstained, hallucinated: rec.hallucinated, freshness: rec.freshness, error: rec.error?.kind ?? null };
      want[key(pipeline, q.id)] = label;
      // The lenient decision is still reported beside it.
      expect(rec.scores.lenient.correct, key(pipeline, q.id)).toBe(intended(q, e).correct);
    }
    expect(got).toEqual(want);
    // The judge's disagreements with the lenient scorer, one by one.
    expect(recordOf(first, 'closed-book', 's6')).toMatchObject({ correct: true, hallucinated: false, scores: { lenient: { correct: false } } }); // hedge passed by the judge
    expect(recordOf(first, 'rag', 's2')).toMatchObject({ correct: false, hallucinated: true, scores: { lenient: { correct: true } } }); // false reject
    expect(recordOf(first, 'rag', 'u3')).toMatchObject({ correct: true, freshness: 'current', scores: { lenient: { correct: false, matchesStale: true } } });
    expect(recordOf(first, 'closed-book', 'u1')).toMatchObject({ correct: false, freshness: 'stale', scores: { judge: { verdict: 'correct', matchesStale: true, correct: false } } });
    // Fooled on an unanswerable question: declining is what counts there.
    expect(recordOf(first, 'closed-book', 'x1')).toMatchObject({ correct: false, hallucinated: true, scores: { judge: { verdict: 'correct' } } });
    for (const p of PIPELINES) checkMetrics(first, p, 'judge');
    expect(summaryOf(first, 'closed-book').metrics.accuracy).toMatchObject({ n: 20, sum: 7 });
    expect(summaryOf(first, 'rag').metrics.accuracy).toMatchObject({ n: 20, sum: 16 });
    expect(first.run.scoring.primary).toBe('judge');
  });

  it('an unparseable judge reply is a judge error: correct false, never a pass', () => {
    for (const [pipeline, id] of [['closed-book', 's5'], ['closed-book', 'n2']] as const) {
      const rec = recordOf(first, pipeline, id);
      expect(rec.scores.judge!.error).toMatch(/^judge-unparseable: /);
      expect(rec.scores.judge!.verdict).toBeNull();
      expect(rec.correct).toBe(false);
      expect(rec.error).toBeNull(); // the answer itself was fine
    }
    // "CORRECT!" is not JSON; {"verdict":"INCORRECT"} is not one of the label words.
    expect(recordOf(first, 'closed-book', 's5').scores.judge!.error).toMatch(/not JSON/);
    expect(recordOf(first, 'closed-book', 'n2').scores.judge!.error).toMatch(/schema violation/);
    expect(recordOf(first, 'closed-book', 'n2').freshness).toBe('wrong');
  });

  it('run.scoring.judge: calls, errors, tokens and cost from the judge calls, agreement as computed by hand', () => {
    const j = first.run.scoring.judge!;
    expect(j).not.toBeNull();
    // Tokens by the server's rule (words of system + user, words of the reply), request by request.
    let input = 0;
    let output = 0;
    for (const req of firstJudge) {
      const p = promptOf(req);
      const { q, s: e } = judgedEntry(p);
      const tokens = { input: words(`${p.system ?? ''} ${p.user}`), output: words(judgeReplyOf(q, e)) };
      input += tokens.input;
      output += tokens.output;
      const rec = first.records.find((r) => r.questionId === q.id && r.answer === e.answer)!;
      expect(rec.scores.judge!.tokens, q.id).toEqual(tokens);
      expect(rec.scores.judge!.costUsd!, q.id).toBeCloseTo((tokens.input * JUDGE_PRICE.input + tokens.output * JUDGE_PRICE.output) / 1e6, 12);
    }
    expect(j).toMatchObject({ model: JUDGE, calls: 45, errors: 2, cached: 0, tokens: { input, output, unknownUsage: 0 } });
    expect(j.usd!).toBeCloseTo((input * JUDGE_PRICE.input + output * JUDGE_PRICE.output) / 1e6, 9);
    // Judge is not the answer model: its tokens are not in the pipelines' sums.
    expect(summaryOf(first, 'closed-book').tokens.input + summaryOf(first, 'rag').tokens.input).toBeLessThan(input);

    // Agreement over the 36 answerable answers judged without error (45 judged - 7 unanswerable - 2 judge errors).
    // Judge correct vs lenient correct: both true 21, judge only 2 (cb/s6, rag/u3), lenient only 1 (rag/s2), neither 12.
    //   raw = 33/36; p_e = (23*22 + 13*14)/36^2 = 688/1296; kappa = (1188 - 688)/(1296 - 688) = 500/608.
    expect(j.agreement.lenient.n).toBe(36);
    expect(j.agreement.lenient.raw!).toBeCloseTo(33 / 36, 9);
    expect(j.agreement.lenient.kappa!).toBeCloseTo(500 / 608, 9);
    // Judge correct vs strict EM (4 exact answers, all judged correct): both 4, judge only 19, neither 13.
    //   raw = 17/36; p_e = (23*4 + 13*32)/1296 = 508/1296; kappa = (612 - 508)/(1296 - 508) = 104/788.
    expect(j.agreement.strict.n).toBe(36);
    expect(j.agreement.strict.raw!).toBeCloseTo(17 / 36, 9);
    expect(j.agreement.strict.kappa!).toBeCloseTo(104 / 788, 9);

    // The same from the script, programmatically.
    const rows = judgedEntries.filter((e) => e.q.category !== 'unanswerable' && !isJudgeError(e));
    const judgeOk = rows.map((e) => intended(e.q, e.s, 'judge').correct);
    const lenient = rows.map((e) => intended(e.q, e.s).correct);
    expect(rows).toHaveLength(36);
    expect(judgeOk.filter((x, i) => x === lenient[i]).length).toBe(33);
  });

  it('a second identical run is served from the response cache: no request for answers or judge', async () => {
    const before = server.requests.length;
    const run = await bench(['--config', s.config]);
    expect(run.code, run.stderr).toBe(0);
    expect(answerRequests(before)).toHaveLength(0);
    expect(judgeRequests(before)).toHaveLength(0);
    expect(server.requests.length).toBe(before);
    const second = readResult(s);
    expect(second.run.id).not.toBe(first.run.id);
    expect(second.records.every((r) => r.cached)).toBe(true);
    // Same verdicts, scores and labels; the judge's successful verdicts are marked cached.
    const strip = (r: ResultRecord) => ({ ...r, latencyMs: null, cached: null, embedCached: null, scores: { ...r.scores, judge: r.scores.judge && { ...r.scores.judge, cached: null } } });
    expect(second.records.map(strip)).toEqual(first.records.map(strip));
    for (const r of second.records) if (r.scores.judge && r.scores.judge.error === null) expect(r.scores.judge.cached, key(r.pipeline, r.questionId)).toBe(true);
    const j = second.run.scoring.judge!;
    expect(j.calls).toBe(45);
    expect(j.cached).toBeGreaterThanOrEqual(43);
    expect(j.agreement).toEqual(first.run.scoring.judge!.agreement);
  });

  it('--resume after kill -9 does not re-judge answers already recorded', async () => {
    const r = scenario('judge-kill', { ...judgeConfig, concurrency: 1, timeoutMs: 3_600_000 });
    // Answer the first 3 answer requests (closed-book s1, s2, s3 at concurrency 1), hold every later one.
    let answered = 0;
    server.setFaults((req) => {
      if (req.path !== '/v1/chat/completions' || isJudge(promptOf(req))) return null;
      return answered++ >= 3 ? { kind: 'delay', ms: 3_600_000 } : null;
    });
    let child: ChildProcessByStdio<null, Readable, Readable> | undefined;
    let runId: string;
    let journaled: ResultRecord[];
    try {
      child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/ragvft.ts', 'bench', '--config', r.config], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.resume();
      const exited = new Promise<void>((res) => child!.on('close', () => res()));
      const journal = await waitFor(() => journalWith(r.cacheDir, 3), () => (child!.exitCode !== null ? `bench exited early:\n${stderr}` : null));
      child.kill('SIGKILL');
      await exited;
      runId = journal.runId;
      journaled = readJournal(journal.dir).records;
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      server.setFaults(undefined);
    }
    expect(journaled.map((x) => key(x.pipeline, x.questionId))).toEqual(['closed-book/s1', 'closed-book/s2', 'closed-book/s3']);
    for (const x of journaled) expect(x.scores.judge?.verdict).toBe('correct');

    const before = server.requests.length;
    const run = await bench(['--config', r.config, '--resume', runId]);
    expect(run.code, run.stderr).toBe(0);
    const result = readResult(r);
    expect(result.run).toMatchObject({ id: runId, resumed: true });
    expect(result.records).toHaveLength(PAIRS);
    const judgedNow = judgeRequests(before).map((x) => judgedEntry(promptOf(x))).map((e) => key(e.pipeline, e.q.id));
    const done = new Set(journaled.map((x) => key(x.pipeline, x.questionId)));
    expect(judgedNow.filter((k) => done.has(k))).toEqual([]);
    expect(new Set(judgedNow).size).toBe(judgedNow.length);
    expect(judgedNow).toHaveLength(judgedEntries.length - journaled.length);
    for (const x of journaled) expect(recordOf(result, x.pipeline, x.questionId)).toEqual(x);
    expect(result.run.scoring.judge).toMatchObject({ calls: 45, errors: 2 });
  });
});


/** Polls `probe` until it gives a value; fails as soon as `failed` says why (the test timeout is the backstop). */
async function waitFor<T>(probe: () => T | null, failed: () => string | null): Promise<T> {
  for (;;) {
    const v = probe();
    if (v !== null) return v;
    const why = failed();
    if (why) throw new Error(why);
    await new Promise((res) => setTimeout(res, 25));
  }
}
