/**
 * The metric registry: every per-question figure ragvft reports is declared here once — which
 * records it counts, the value of one record, whether higher is better, how it is tested and
 * labelled. Summaries, run statistics, `compare`, `gate` and the terminal tables all read these
 * entries, so a figure means the same thing everywhere, and a new metric is one entry.
 */
import type { Category } from '../dataset/schema.js';
import type { LeanRecord } from '../results/view.js';

export interface MetricDef {
  id: string;
  /** Column/row label, short enough for a terminal table. */
  label: string;
  /** The figure's name in a sentence ("the stale-answer rate rose by …"). */
  noun: string;
  /** One sentence for docs and reports: what is counted, over which questions. */
  description: string;
  higherIsBetter: boolean;
  /** Records that count towards the metric (its denominator). */
  eligible(r: LeanRecord): boolean;
  /** The record's value: 0/1 for `binary` metrics, [0, 1] otherwise. */
  value(r: LeanRecord): number;
  /** Binary metrics get McNemar's exact test on paired changes; all get a paired-bootstrap CI. */
  binary: boolean;
  /** Gate threshold that bounds a harmful change of this metric, with its default tolerance. */
  gate?: { threshold: string; default: number | null };
}

const answerable = (r: LeanRecord) => r.category !== 'unanswerable';
const unanswerable = (r: LeanRecord) => r.category === 'unanswerable';
const ok = (r: LeanRecord) => r.error === null;
const postCutoff = (c: Category) => c === 'updated' || c === 'new';
const bit = (b: boolean) => (b ? 1 : 0);
/** An answer, not an abstention or a failed call. */
const answered = (r: LeanRecord) => ok(r) && !r.abstained;

/**
 * The catalogue. Order is display order: answerable accuracy leads, and abstention and
 * hallucination stand apart from it, because one number over all questions rewards abstaining
 * (SQuAD 2.0 reports HasAns and NoAns separately for the same reason).
 */
export const METRICS = [
  {
    id: 'accuracy',
    label: 'Accuracy',
    noun: 'accuracy',
    description: 'Answerable questions answered correctly under the primary scorer (failed calls count as wrong).',
    higherIsBetter: true,
    eligible: answerable,
    value: (r) => bit(ok(r) && r.correct),
    binary: true,
    gate: { threshold: 'maxAccuracyDrop', default: 0.02 },
  },
  {
    id: 'strictF1',
    label: 'F1 (strict)',
    noun: 'strict F1',
    description: 'Official SQuAD token F1 on answerable questions (failed calls score 0).',
    higherIsBetter: true,
    eligible: answerable,
    value: (r) => (ok(r) ? r.scores.strict.f1 : 0),
    binary: false,
    gate: { threshold: 'maxF1Drop', default: 0.02 },
  },
  {
    id: 'strictEM',
    label: 'EM (strict)',
    noun: 'strict exact match',
    description: 'Official SQuAD exact match on answerable questions (failed calls score 0).',
    higherIsBetter: true,
    eligible: answerable,
    value: (r) => bit(ok(r) && r.scores.strict.exactMatch === 1),
    binary: true,
    gate: { threshold: 'maxExactMatchDrop', default: 0.02 },
  },
  {
    id: 'lenientAccuracy',
    label: 'Accuracy (lenient)',
    noun: 'lenient accuracy',
    description: 'Answerable questions whose answer contains a gold alias and no stale or second candidate.',
    higherIsBetter: true,
    eligible: answerable,
    value: (r) => bit(ok(r) && r.scores.lenient.correct),
    binary: true,
  },
  {
    id: 'judgeAccuracy',
    label: 'Accuracy (judge)',
    noun: 'judge accuracy',
    description: 'Answerable questions the LLM judge marked correct (judge errors count as not correct).',
    higherIsBetter: true,
    eligible: (r) => answerable(r) && r.scores.judge !== undefined,
    value: (r) => bit(ok(r) && r.scores.judge?.correct === true),
    binary: true,
  },
  {
    id: 'abstentionAccuracy',
    label: 'Abstains',
    noun: 'abstention accuracy',
    description: 'Unanswerable questions on which the model declined to answer.',
    higherIsBetter: true,
    eligible: unanswerable,
    value: (r) => bit(ok(r) && r.abstained),
    binary: true,
    gate: { threshold: 'maxAbstentionDrop', default: 0.05 },
  },
  {
    id: 'hallucinationRate',
    label: 'Hallucinates',
    noun: 'hallucination rate',
    description: 'Unanswerable questions answered without error where the model gave an answer instead of declining.',
    higherIsBetter: false,
    eligible: (r) => unanswerable(r) && ok(r),
    value: (r) => bit(r.hallucinated),
    binary: true,
    gate: { threshold: 'maxHallucinationRise', default: 0.05 },
  },
  {
    id: 'wrongAnswerRate',
    label: 'Wrong answers',
    noun: 'wrong-answer rate',
    description: 'Questions answered without error with an answer that is neither correct nor an abstention (closed-book: hallucination on anything).',
    higherIsBetter: false,
    eligible: ok,
    value: (r) => bit(r.hallucinated),
    binary: true,
  },
  {
    id: 'leakRate',
    label: 'Leaks',
    noun: 'leak rate',
    description: 'Restricted questions (asked as a group that may not read the fact) answered without error with the restricted fact.',
    higherIsBetter: false,
    eligible: (r) => r.leaked !== null,
    value: (r) => bit(r.leaked === true),
    binary: true,
    // No tolerance: any significant rise in restricted facts given out fails the gate.
    gate: { threshold: 'maxLeakRise', default: 0 },
  },
  {
    id: 'staleRate',
    label: 'Stale',
    noun: 'stale-answer rate',
    description: 'Updated questions answered without error with what was true before the update.',
    higherIsBetter: false,
    eligible: (r) => r.category === 'updated' && ok(r),
    value: (r) => bit(r.freshness === 'stale'),
    binary: true,
    gate: { threshold: 'maxStaleRise', default: 0.02 },
  },
  {
    id: 'missingRate',
    label: 'Missing',
    noun: 'missing-answer rate',
    description: 'Updated and new questions answered without error where the model abstained.',
    higherIsBetter: false,
    eligible: (r) => postCutoff(r.category) && ok(r),
    value: (r) => bit(r.freshness === 'missing'),
    binary: true,
    gate: { threshold: 'maxMissingRise', default: 0.05 },
  },
  {
    id: 'freshWrongRate',
    label: 'Wrong (fresh)',
    noun: 'wrong post-cutoff answer rate',
    description: 'Updated and new questions answered without error with something neither current nor stale.',
    higherIsBetter: false,
    eligible: (r) => postCutoff(r.category) && ok(r),
    value: (r) => bit(r.freshness === 'wrong'),
    binary: true,
  },
  {
    id: 'errorRate',
    label: 'Errors',
    noun: 'error rate',
    description: 'Questions whose call failed (any error kind).',
    higherIsBetter: false,
    eligible: () => true,
    value: (r) => bit(!ok(r)),
    binary: true,
  },
  {
    id: 'recall',
    label: 'Recall@k',
    noun: 'recall@k',
    description: 'Share of the gold documents among the k retrieved (pipelines with retrieval, questions with gold documents).',
    higherIsBetter: true,
    eligible: (r) => r.retrieval !== null,
    value: (r) => r.retrieval!.recall,
    binary: false,
  },
  {
    id: 'mrr',
    label: 'MRR',
    noun: 'MRR',
    description: 'Reciprocal rank of the first gold document among the retrieved (0 when none is retrieved).',
    higherIsBetter: true,
    eligible: (r) => r.retrieval !== null,
    value: (r) => r.retrieval!.reciprocalRank,
    binary: false,
  },
  {
    id: 'chunkRecall',
    label: 'Chunk recall',
    noun: 'chunk recall',
    description: 'Questions whose retrieved chunks include one of a gold document that holds a gold alias (a document hit whose answer chunk was missed does not count).',
    higherIsBetter: true,
    eligible: (r) => r.retrieval !== null && r.retrieval.chunkRecall !== null,
    value: (r) => bit(r.retrieval!.chunkRecall === true),
    binary: true,
  },
  {
    id: 'answerInContext',
    label: 'Answer in context',
    noun: 'answer-in-context rate',
    description: 'Questions with a gold answer whose retrieved chunks hold a gold alias, under the lenient normalization (whichever document it is in).',
    higherIsBetter: true,
    eligible: (r) => r.answerInContext !== null,
    value: (r) => bit(r.answerInContext === true),
    binary: true,
  },
  {
    id: 'citationRate',
    label: 'Cites',
    noun: 'citation rate',
    description: 'Answers (not abstentions, not errors) that cite at least one document id, in runs that ask for citations.',
    higherIsBetter: true,
    eligible: (r) => answered(r) && r.citation !== null,
    value: (r) => bit(r.citation!.cited > 0),
    binary: true,
  },
  {
    id: 'citationPrecision',
    label: 'Citation precision',
    noun: 'citation precision',
    description: 'Answers to answerable questions that cite something: share of the cited ids that are gold source documents shown in the context.',
    higherIsBetter: true,
    eligible: (r) => answered(r) && answerable(r) && r.citation !== null && r.citation.precision !== null,
    value: (r) => r.citation!.precision!,
    binary: false,
  },
  {
    id: 'citationRecall',
    label: 'Citation recall',
    noun: 'citation recall',
    description: 'Answers to questions with gold documents: share of the gold documents cited and shown in the context (0 for an answer citing nothing).',
    higherIsBetter: true,
    eligible: (r) => answered(r) && r.citation !== null && r.citation.recall !== null,
    value: (r) => r.citation!.recall!,
    binary: false,
  },
  {
    id: 'fabricatedCitationRate',
    label: 'Fabricated citations',
    noun: 'fabricated-citation rate',
    description: 'Answers that cite something: share of the cited ids that were not in the context (invented, or a real document not retrieved).',
    higherIsBetter: false,
    eligible: (r) => ok(r) && r.citation !== null && r.citation.cited > 0,
    value: (r) => r.citation!.fabricated / r.citation!.cited,
    binary: false,
  },
] as const satisfies readonly MetricDef[];

export type MetricId = (typeof METRICS)[number]['id'];
export const METRIC_IDS = METRICS.map((m) => m.id) as MetricId[];

const byId = new Map<string, MetricDef>(METRICS.map((m) => [m.id, m]));

export function metric(id: MetricId): MetricDef {
  return byId.get(id)!;
}

/** The headline: what tables, comparisons and routing lead with. */
export const HEADLINE_METRIC: MetricId = 'accuracy';

/** Names of the thresholds the gated metrics declare (maxAccuracyDrop, maxStaleRise, …). */
export type GatedThreshold = Extract<(typeof METRICS)[number], { gate: unknown }>['gate']['threshold'];

/** Metrics with a gate threshold, keyed by threshold name. */
export const GATED_METRICS: { threshold: GatedThreshold; metric: MetricDef; default: number | null }[] = METRICS.flatMap((m) =>
  'gate' in m ? [{ threshold: m.gate.threshold, metric: m as MetricDef, default: m.gate.default }] : [],
);

export interface MetricValue {
  /** Mean value over eligible records; null when none is eligible. */
  value: number | null;
  /** Eligible records (the denominator). */
  n: number;
  /** Sum of values (the numerator; a count for binary metrics). */
  sum: number;
}

/** A metric over a set of records: the one aggregation every report uses. */
export function aggregate(m: MetricDef, records: readonly LeanRecord[]): MetricValue {
  let n = 0;
  let sum = 0;
  for (const r of records) {
    if (!m.eligible(r)) continue;
    n++;
    sum += m.value(r);
  }
  return { value: n === 0 ? null : round(sum / n), n, sum: round(sum) };
}

/** Every registered metric that has at least one eligible record. */
export function aggregateAll(records: readonly LeanRecord[]): Partial<Record<MetricId, MetricValue>> {
  const out: Partial<Record<MetricId, MetricValue>> = {};
  for (const m of METRICS) {
    const v = aggregate(m, records);
    if (v.n > 0) out[m.id] = v;
  }
  return out;
}

export const round = (x: number, digits = 6) => Math.round(x * 10 ** digits) / 10 ** digits;
