/**
 * The LLM judge inside a bench run: built from the config's `judge` section, its calls go through
 * the response cache and their own concurrency limit, and each verdict is stored in the record
 * (so a resumed run never judges an answer twice). After the run, its cost and its agreement with
 * the lenient and strict decisions are summarized in `run.scoring.judge`.
 */
import type { LanguageModelV4 } from '@ai-sdk/provider';
import pLimit from 'p-limit';
import type { Config, Price } from '../config/schema.js';
import type { Question } from '../dataset/schema.js';
import { callCostUsd } from '../models/prices.js';
import type { JudgeScore, RunInfo } from '../results/schema.js';
import type { LeanRecord } from '../results/view.js';
import { createJudge } from '../scoring/judge/judge.js';
import { cohensKappa } from '../stats/agreement.js';

export type GradeFn = (q: Question, answer: string, signal: AbortSignal) => Promise<JudgeScore>;

export function createGrader(judge: NonNullable<Config['judge']>, model: LanguageModelV4, price: Price | null, opts: Pick<Config, 'timeoutMs'> & { maxRetries: number }): GradeFn {
  const j = createJudge({ model, prompt: judge.prompt, labels: judge.labels, maxOutputTokens: judge.maxOutputTokens, maxRetries: opts.maxRetries, timeoutMs: opts.timeoutMs });
  const limit = pLimit(judge.concurrency);
  return (q, answer, signal) =>
    limit(async () => {
      const out = await j.judge({ question: q.question, goldAnswers: q.answers, staleAnswers: q.staleAnswers, answer, category: q.category }, signal);
      const costUsd = price === null || out.tokens === null ? null : callCostUsd(price, out.tokens);
      if (!out.ok) return { verdict: null, correct: null, matchesStale: null, tokens: out.tokens, costUsd, cached: out.cached, error: `${out.error.kind}: ${out.error.message}` };
      return { verdict: out.verdict, correct: out.correct, matchesStale: out.matchesStale, tokens: out.tokens, costUsd, cached: out.cached, error: null };
    });
}

type JudgeSummary = NonNullable<RunInfo['scoring']['judge']>;

function agreementWith(judged: LeanRecord[], other: (r: LeanRecord) => boolean): JudgeSummary['agreement']['lenient'] {
  const k = cohensKappa(
    judged.map((r) => r.scores.judge!.correct === true),
    judged.map(other),
  );
  return { n: k.n, raw: k.agreement, kappa: k.kappa };
}

/** Calls, errors, tokens and cost of the judge, and its agreement with lenient/strict on the answers it judged without error. */
export function summarizeJudge(model: string, records: readonly LeanRecord[]): JudgeSummary {
  const calls = records.filter((r) => r.scores.judge !== undefined);
  const tokens = { input: 0, output: 0, unknownUsage: 0 };
  let usd: number | null = 0;
  for (const r of calls) {
    const j = r.scores.judge!;
    if (j.tokens) {
      tokens.input += j.tokens.input;
      tokens.output += j.tokens.output;
    } else if (!j.cached) tokens.unknownUsage++;
    usd = usd === null || j.costUsd === null ? null : usd + j.costUsd;
  }
  const judged = calls.filter((r) => r.scores.judge!.error === null && r.category !== 'unanswerable');
  return {
    model,
    calls: calls.length,
    errors: calls.filter((r) => r.scores.judge!.error !== null).length,
    cached: calls.filter((r) => r.scores.judge!.cached).length,
    tokens,
    usd: usd === null ? null : Math.round(usd * 1e9) / 1e9,
    agreement: {
      lenient: agreementWith(judged, (r) => r.scores.lenient.correct),
      strict: agreementWith(judged, (r) => r.scores.strict.exactMatch === 1),
    },
  };
}
