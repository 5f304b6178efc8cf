import pLimit from 'p-limit';
import type { Config } from '../config/schema.js';
import type { Question } from '../dataset/schema.js';
import type { Price } from '../config/schema.js';
import { scoreCitations } from '../citations/score.js';
import { answerInChunks, scoreRetrieval } from '../metrics/retrieval.js';
import { classifyError, describeError, EmptyOutputError } from '../models/errors.js';
import { callCostUsd } from '../models/prices.js';
import { splitModelRef } from '../models/registry.js';
import type { JudgeScore, ResultRecord, ScorerName } from '../results/schema.js';
import { freshnessLabel } from '../scoring/freshness.js';
import { leaksCanary } from '../scoring/leak.js';
import { scoreAnswer } from '../scoring/score.js';
import { answerQuestion } from './answer.js';
import type { Answer, PipelineSpec, SelfAnsweringSpec } from './types.js';

const round3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

/** How answers are scored in this run. */
export interface ScoringContext {
  /** The scorer whose decision is `correct`. */
  primary: ScorerName;
  isAbstention: (answer: string) => boolean;
  /** Every corpus document id: a cited id outside it names no document at all. */
  docIds?: ReadonlySet<string>;
}

/** A call that returned no text is an error of kind `empty`, never an abstention. */
function emptyOutput(a: Answer): Answer['error'] {
  if (a.error || (a.text ?? '').trim() !== '') return a.error;
  const why = a.finishReason === 'length' ? ' (it hit the output-token limit: a reasoning model may have spent it thinking)' : '';
  return new EmptyOutputError(`the model returned no text, finish reason ${a.finishReason ?? 'unknown'}${why}`);
}

/**
 * Cost of one call: null when the price or (for an answered call) the usage is unknown. A call
 * that failed without reporting usage costs 0 at a known price: providers do not bill failed
 * requests (a stream cut mid-way may have been billed, and is not counted).
 */
function callCost(price: Price | null, tokens: Answer['tokens'], failed: boolean): number | null {
  if (price === null) return null;
  if (tokens === null) return failed ? 0 : null;
  return callCostUsd(price, tokens);
}

/** Turns a raw answer into a scored, serializable record. `judged` is the judge's score, when one is configured. */
export function toRecord(q: Question, pipeline: string, raw: Answer, price: Price | null, scoring: ScoringContext, judged?: JudgeScore): ResultRecord {
  const a = { ...raw, error: emptyOutput(raw) };
  const failed = a.error !== null && a.error !== undefined;
  const s = scoreAnswer(q, failed ? '' : a.text!, scoring.isAbstention);
  const abstained = !failed && s.abstained;
  // Unanswerable questions: correct means declining, whichever scorer grades answers.
  const primary =
    scoring.primary === 'judge' && judged && q.category !== 'unanswerable'
      ? { correct: judged.correct === true, matchesStale: judged.matchesStale === true }
      : scoring.primary === 'strict'
        ? { correct: s.strict.exactMatch === 1, matchesStale: s.lenient.matchesStale }
        : s.lenient;
  const correct = !failed && primary.correct;
  return {
    questionId: q.id,
    category: q.category,
    asOf: q.asOf ?? null,
    pipeline,
    answer: failed ? null : a.text,
    abstained,
    correct,
    scores: failed
      ? { strict: { exactMatch: 0, f1: 0 }, lenient: { correct: false, matchesStale: false }, ...(judged ? { judge: judged } : {}) }
      : { strict: s.strict, lenient: s.lenient, ...(judged ? { judge: judged } : {}) },
    hallucinated: !failed && !abstained && !correct,
    freshness: freshnessLabel(q.category, { error: failed, abstained, correct, matchesStale: primary.matchesStale }),
    finishReason: a.finishReason,
    responseModelId: a.responseModelId,
    latencyMs: {
      total: round3(a.latencyMs.total)!,
      embed: round3(a.latencyMs.embed),
      search: round3(a.latencyMs.search),
      generate: round3(a.latencyMs.generate),
      firstToken: round3(a.latencyMs.firstToken),
    },
    tokens: a.tokens,
    // Empty output came from a completed (billed) call: only a call that raised is unbilled.
    costUsd: callCost(price, a.tokens, raw.error !== null && raw.error !== undefined),
    cpuMs: round3(a.cpuMs),
    cached: a.cached,
    embedCached: a.embedCached,
    retrievedDocIds: a.retrievedDocIds,
    retrieval: a.retrievedDocIds ? scoreRetrieval(q, a.retrievedDocIds, a.retrievedChunks) : null,
    answerInContext: a.retrievedChunks ? answerInChunks(q.answers, a.retrievedChunks) : null,
    leaked: q.canaryAnswers === undefined || failed ? null : leaksCanary(a.text!, q.canaryAnswers),
    citations: failed ? null : a.citations,
    citation: failed || a.citations === null ? null : scoreCitations(a.citations, { shown: a.contextDocIds, gold: q.sourceDocIds, known: scoring.docIds ?? new Set() }),
    error: failed ? { kind: classifyError(a.error), message: describeError(a.error) } : null,
  };
}

export interface RunOptions {
  pipelines: ((PipelineSpec | SelfAnsweringSpec) & { price: Price | null })[];
  questions: Question[];
  config: Pick<Config, 'prompts' | 'generation' | 'concurrency' | 'timeoutMs'> & { retrieval?: Pick<Config['retrieval'], 'maxContextTokens'> };
  scoring: ScoringContext;
  /** Grades an answer with the LLM judge (it bounds its own concurrency); absent without a judge. */
  judge?: (q: Question, answer: string, signal: AbortSignal) => Promise<JudgeScore>;
  /** (question, pipeline) pairs already done (resume): they are skipped. */
  done?: Set<string>;
  /** Called as each record completes, in completion order (journal, progress). */
  onRecord?: (record: ResultRecord) => void | Promise<void>;
  /**
   * After this many consecutive failed calls (server, timeout) to one provider, stop scheduling its
   * pairs: an outage would otherwise make every remaining question wait out its retries. The pairs
   * left are not recorded (a resume runs them); `onTrip` is told once per provider.
   */
  breaker?: { consecutiveFailures: number; onTrip?: (provider: string, failures: number) => void };
  /** Stop scheduling new pairs (first Ctrl-C, SIGTERM): calls in flight finish and are recorded. */
  stop?: AbortSignal;
  /** Abort the calls in flight as well: their pairs stay undone, so a resume runs them again. */
  signal?: AbortSignal;
}

export const recordKey = (questionId: string, pipeline: string) => `${pipeline}\u0000${questionId}`;

/**
 * Runs every (question, pipeline) pair with bounded concurrency. A failing or timed-out
 * question is recorded as an error and the run goes on; `stop` stops scheduling, `signal`
 * also aborts what is in flight.
 */
export async function runPipelines(opts: RunOptions): Promise<ResultRecord[]> {
  const limit = pLimit(opts.config.concurrency);
  const records: ResultRecord[] = [];
  const breaker = createBreaker(opts.breaker);
  const tasks: Promise<void>[] = [];
  for (const p of opts.pipelines) {
    for (const q of opts.questions) {
      if (opts.done?.has(recordKey(q.id, p.name))) continue;
      tasks.push(
        limit(async () => {
          // A custom pipeline is its own provider: one service down does not stop another.
          const provider = 'answer' in p ? p.name : splitModelRef(p.modelRef).provider;
          if (opts.stop?.aborted || opts.signal?.aborted || breaker.open(provider)) return;
          const timeout = AbortSignal.timeout(opts.config.timeoutMs);
          const abortSignal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
          const a =
            'answer' in p
              ? await p.answer(q, abortSignal)
              : await answerQuestion(p, q, { prompts: opts.config.prompts, generation: opts.config.generation, abortSignal, maxContextTokens: opts.config.retrieval?.maxContextTokens, docIds: opts.scoring.docIds });
          // Interrupted by the user: leave the pair undone so a resume runs it again.
          if (opts.signal?.aborted && a.error) return;
          const judged = opts.judge && !a.error && a.text ? await opts.judge(q, a.text, opts.signal ?? new AbortController().signal) : undefined;
          const record = toRecord(q, p.name, a, p.price, opts.scoring, judged);
          breaker.observe(provider, record);
          records.push(record);
          await opts.onRecord?.(record);
        }),
      );
    }
  }
  await Promise.all(tasks);
  return records;
}

/** Kinds of failure that say the provider itself is down, not that one question went wrong. */
const OUTAGE: ReadonlySet<string> = new Set(['server', 'timeout']);

function createBreaker(cfg: RunOptions['breaker']) {
  const streak = new Map<string, number>();
  const tripped = new Set<string>();
  return {
    open: (provider: string) => tripped.has(provider),
    observe(provider: string, r: ResultRecord) {
      if (!cfg) return;
      const n = r.error && OUTAGE.has(r.error.kind) ? (streak.get(provider) ?? 0) + 1 : 0;
      streak.set(provider, n);
      if (n >= cfg.consecutiveFailures && !tripped.has(provider)) {
        tripped.add(provider);
        cfg.onTrip?.(provider, n);
      }
    },
  };
}
