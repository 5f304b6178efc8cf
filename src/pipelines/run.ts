import pLimit from 'p-limit';
import type { Config } from '../config/schema.js';
import type { Question } from '../dataset/schema.js';
import { scoreAnswer, scoreRetrieval } from '../metrics/score.js';
import { classifyError, describeError } from '../models/errors.js';
import type { Price } from '../config/schema.js';
import { callCostUsd } from '../models/prices.js';
import type { ResultRecord } from '../results/schema.js';
import { answerQuestion } from './answer.js';
import type { Answer, PipelineSpec } from './types.js';

const round3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

/** Turns a raw answer into a scored, serializable record. */
export function toRecord(q: Question, pipeline: string, a: Answer, price: Price | null): ResultRecord {
  const failed = a.error !== null && a.error !== undefined;
  const score = scoreAnswer(q, failed ? null : a.text);
  return {
    questionId: q.id,
    category: q.category,
    pipeline,
    answer: failed ? null : a.text,
    // A failed call is wrong, never an abstention, even on an unanswerable question.
    abstained: failed ? false : score.abstained,
    exactMatch: failed ? 0 : score.exactMatch,
    f1: failed ? 0 : score.f1,
    freshness: failed ? (score.freshness === null ? null : 'missing') : score.freshness,
    latencyMs: {
      total: round3(a.latencyMs.total)!,
      embed: round3(a.latencyMs.embed),
      search: round3(a.latencyMs.search),
      generate: round3(a.latencyMs.generate),
      firstToken: round3(a.latencyMs.firstToken),
    },
    tokens: a.tokens,
    costUsd: failed ? 0 : callCostUsd(price, a.tokens),
    cached: a.cached,
    retrievedDocIds: a.retrievedDocIds,
    retrieval: a.retrievedDocIds ? scoreRetrieval(q.sourceDocIds, a.retrievedDocIds) : null,
    error: failed ? { kind: classifyError(a.error), message: describeError(a.error) } : null,
  };
}

export interface RunOptions {
  pipelines: (PipelineSpec & { price: Price | null })[];
  questions: Question[];
  config: Pick<Config, 'prompts' | 'generation' | 'concurrency' | 'timeoutMs'>;
  /** (question, pipeline) pairs already done (resume): they are skipped. */
  done?: Set<string>;
  /** Called as each record completes, in completion order (journal, progress). */
  onRecord?: (record: ResultRecord) => void | Promise<void>;
  signal?: AbortSignal;
}

export const recordKey = (questionId: string, pipeline: string) => `${pipeline}\u0000${questionId}`;

/**
 * Runs every (question, pipeline) pair with bounded concurrency. A failing or timed-out
 * question is recorded as an error and the run goes on; an abort (Ctrl-C) stops scheduling.
 */
export async function runPipelines(opts: RunOptions): Promise<ResultRecord[]> {
  const limit = pLimit(opts.config.concurrency);
  const records: ResultRecord[] = [];
  const tasks: Promise<void>[] = [];
  for (const p of opts.pipelines) {
    for (const q of opts.questions) {
      if (opts.done?.has(recordKey(q.id, p.name))) continue;
      tasks.push(
        limit(async () => {
          if (opts.signal?.aborted) return;
          const timeout = AbortSignal.timeout(opts.config.timeoutMs);
          const abortSignal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
          const a = await answerQuestion(p, q, { prompts: opts.config.prompts, generation: opts.config.generation, abortSignal });
          // Interrupted by the user: leave the pair undone so a resume runs it again.
          if (opts.signal?.aborted && a.error) return;
          const record = toRecord(q, p.name, a, p.price);
          records.push(record);
          await opts.onRecord?.(record);
        }),
      );
    }
  }
  await Promise.all(tasks);
  return records;
}
