/**
 * Paired comparison of two runs of the same questions: per pipeline and metric, A, B, the change,
 * its paired-bootstrap CI and significance; latency and cost as ratios; and the questions whose
 * outcome flipped.
 */
import { CATEGORIES, type Category } from '../dataset/schema.js';
import type { Freshness, PipelineResult } from '../results/schema.js';
import type { LeanRecord, ResultView } from '../results/view.js';
import { type MetricDef, type MetricId, METRICS } from '../metrics/registry.js';
import { alphaFor, BootstrapBatch, excludesZero, mean, resolveBootstrapOptions } from '../stats/bootstrap.js';
import { column, commonIds, eligibleIds, indexRecords } from '../stats/records.js';
import { mcnemarOn } from '../stats/run-statistics.js';
import { InputError } from '../util/errors.js';
import { schemaMajor, SUPPORTED_SCHEMA_MAJOR } from './read.js';

export const COMPARISON_VERSION = '2.0';

export interface MetricComparison {
  /** Paired questions the metric is computed on (freshness: eligible ones only). */
  questions: number;
  /** Null when there are no questions to compute it on. */
  a: number | null;
  b: number | null;
  /** b - a. */
  delta: number | null;
  /** Paired-bootstrap CI of b - a. */
  lo: number | null;
  hi: number | null;
  /** 0/1 metrics: McNemar p < alpha. Other metrics: the CI excludes 0. */
  significant: boolean;
  /** McNemar's exact p-value (0/1 metrics only). */
  pValue: number | null;
}

export interface RatioComparison {
  a: number | null;
  b: number | null;
  /** b / a; null when either is unknown, or a is 0 while b is not. */
  ratio: number | null;
}

export type FlipKind = 'right-to-wrong' | 'wrong-to-right' | 'current-to-stale';

export interface FlipSide {
  answer: string | null;
  correct: boolean;
  f1: number;
  freshness: Freshness | null;
  error: string | null;
}

export interface Flip {
  pipeline: string;
  questionId: string;
  category: Category;
  kinds: FlipKind[];
  a: FlipSide;
  b: FlipSide;
}

export interface PipelineComparison {
  pipeline: string;
  model: { a: string; b: string };
  questions: number;
  /** Every registered metric with eligible paired questions, in registry order. */
  metrics: Partial<Record<MetricId, MetricComparison>>;
  /** From the run summaries, which count non-cached calls only. */
  latencyMs: { p50: RatioComparison; p95: RatioComparison; nonCachedCalls: { a: number; b: number } };
  costUsd: { perThousandQuestions: RatioComparison };
  flips: Record<FlipKind, number>;
}

export interface RunRef {
  label: string;
  runId: string;
  startedAt: string;
  gitCommit: string | null;
  datasetHash: string;
  schemaVersion: string;
  /** The scorer behind `correct` in that run. */
  primaryScorer: string;
}

export interface Comparison {
  version: typeof COMPARISON_VERSION;
  a: RunRef;
  b: RunRef;
  /** True when --force compared runs that are not fully comparable. */
  forced: boolean;
  questions: { common: number; onlyA: number; onlyB: number };
  method: { interval: 'paired-percentile-bootstrap'; resamples: number; seed: number; level: number; test: 'mcnemar-exact'; alpha: number };
  pipelines: PipelineComparison[];
  /** Pipelines only in B / only in A. */
  added: string[];
  removed: string[];
  /** Flipped questions grouped by category (in dataset category order). */
  flips: { category: Category; flips: Flip[] }[];
  notes: string[];
}

export interface CompareOptions {
  /** Compare the common questions of runs that are otherwise incomparable, and say so. */
  force?: boolean;
  /** How to name the runs in messages (e.g. file paths); default their run ids. */
  labels?: { a?: string; b?: string };
  seed?: number;
  resamples?: number;
  level?: number;
}

const SHOWN_IDS = 5;

export function compareRuns(a: ResultView, b: ResultView, opts: CompareOptions = {}): Comparison {
  const boot = resolveBootstrapOptions(opts);
  const refA = runRef(a, opts.labels?.a);
  const refB = runRef(b, opts.labels?.b);
  const notes: string[] = [];
  checkSchemaVersions(refA, refB, notes);

  const idsA = questionIds(a);
  const idsB = questionIds(b);
  const common = [...idsA].filter((id) => idsB.has(id));
  const onlyA = [...idsA].filter((id) => !idsB.has(id)).sort();
  const onlyB = [...idsB].filter((id) => !idsA.has(id)).sort();
  const problems = [...comparabilityProblems(refA, refB, onlyA, onlyB), ...incompletePipelines(a, refA, b, refB, common)];
  if (problems.length > 0 && !opts.force) {
    throw new InputError(`runs are not comparable: ${problems.join('; ')}. Use --force to compare the ${common.length} common questions only.`);
  }
  if (problems.length > 0) notes.push(`Forced comparison of ${common.length} common questions only: ${problems.join('; ')}.`);
  if (common.length === 0) throw new InputError(`runs ${refA.label} and ${refB.label} have no question in common`);

  const commonSet = new Set(common);
  const recA = indexRecords(a.records.filter((r) => commonSet.has(r.questionId)));
  const recB = indexRecords(b.records.filter((r) => commonSet.has(r.questionId)));
  const namesB = new Set(b.pipelines.map((p) => p.name));
  const namesA = new Set(a.pipelines.map((p) => p.name));

  const pipelines: PipelineComparison[] = [];
  const allFlips: Flip[] = [];
  // Every interval from one batch: metrics of the same questions share their resampling draws
  // (the intervals are those of one pairedBootstrapDiffCI each, computed once per sample size).
  const batch = new BootstrapBatch(boot);
  const settle: (() => void)[] = [];
  for (const pa of a.pipelines) {
    const pb = b.pipelines.find((p) => p.name === pa.name);
    if (!pb) continue;
    const byIdA = recA.get(pa.name) ?? new Map();
    const byIdB = recB.get(pa.name) ?? new Map();
    const ids = commonIds(byIdA, byIdB);
    if (ids.length < commonSet.size) notes.push(`${pa.name}: ${commonSet.size - ids.length} common question(s) lack a record in one run and are left out.`);
    const flips = findFlips(pa.name, ids, byIdA, byIdB);
    allFlips.push(...flips);
    pipelines.push(comparePipeline(pa, pb, ids, byIdA, byIdB, flips, { batch, settle, level: boot.level }, notes));
  }
  batch.run();
  for (const f of settle) f();

  notes.push('Latency ratios use each run\'s summary percentiles, which count non-cached calls only (cached answers measure no model).');
  if (opts.force && problems.length > 0) notes.push('Latency and cost ratios come from the run summaries and so cover all questions of each run, not only the common ones.');

  return {
    version: COMPARISON_VERSION,
    a: refA,
    b: refB,
    forced: problems.length > 0,
    questions: { common: common.length, onlyA: onlyA.length, onlyB: onlyB.length },
    method: { interval: 'paired-percentile-bootstrap', resamples: boot.resamples, seed: boot.seed, level: boot.level, test: 'mcnemar-exact', alpha: alphaFor(boot.level) },
    pipelines,
    added: b.pipelines.map((p) => p.name).filter((n) => !namesA.has(n)),
    removed: a.pipelines.map((p) => p.name).filter((n) => !namesB.has(n)),
    flips: groupByCategory(allFlips),
    notes,
  };
}

function runRef(r: ResultView, label: string | undefined): RunRef {
  return { label: label ?? r.run.id, runId: r.run.id, startedAt: r.run.startedAt, gitCommit: r.run.gitCommit, datasetHash: r.run.datasetHash, schemaVersion: r.schemaVersion, primaryScorer: r.run.scoring.primary };
}

/**
 * A different major version may define fields differently, so even --force cannot compare it
 * (readResultFile refuses such files already; this guards runs built in memory). Minor versions
 * only add fields and are noted.
 */
function checkSchemaVersions(a: RunRef, b: RunRef, notes: string[]): void {
  for (const r of [a, b]) {
    if (schemaMajor(r.schemaVersion) !== SUPPORTED_SCHEMA_MAJOR) {
      throw new InputError(
        `runs are not comparable: result schema version ${r.schemaVersion} of ${r.label} is incompatible with this ragvft (reads ${SUPPORTED_SCHEMA_MAJOR}.x); --force cannot override this`,
      );
    }
  }
  if (a.schemaVersion !== b.schemaVersion) notes.push(`Result schema versions differ (${a.schemaVersion} vs ${b.schemaVersion}); compatible minor versions.`);
}

/**
 * A pipeline run in both whose records do not cover the common questions (an interrupted or
 * partial run): its figures would be computed on a different, smaller question set.
 */
function incompletePipelines(a: ResultView, refA: RunRef, b: ResultView, refB: RunRef, common: readonly string[]): string[] {
  const has = (r: ResultView) => {
    const out = new Map<string, Set<string>>();
    for (const rec of r.records) out.set(rec.pipeline, (out.get(rec.pipeline) ?? new Set()).add(rec.questionId));
    return out;
  };
  const inA = has(a);
  const inB = has(b);
  const problems: string[] = [];
  for (const p of a.pipelines) {
    if (!b.pipelines.some((q) => q.name === p.name)) continue;
    for (const [ref, recs] of [[refA, inA.get(p.name)], [refB, inB.get(p.name)]] as const) {
      const missing = common.filter((id) => !recs?.has(id)).length;
      if (missing > 0) problems.push(`pipeline ${p.name} lacks records for ${missing} of the ${common.length} questions in ${ref.label}`);
    }
  }
  return problems;
}

function questionIds(r: ResultView): Set<string> {
  return new Set(r.records.map((rec) => rec.questionId));
}

function comparabilityProblems(a: RunRef, b: RunRef, onlyA: string[], onlyB: string[]): string[] {
  const problems: string[] = [];
  if (a.primaryScorer !== b.primaryScorer) problems.push(`primary scorers differ (${a.primaryScorer} in ${a.label}, ${b.primaryScorer} in ${b.label}), so "correct" means different things`);
  if (a.datasetHash !== b.datasetHash) problems.push(`dataset hashes differ (${short(a.datasetHash)} in ${a.label}, ${short(b.datasetHash)} in ${b.label})`);
  if (onlyA.length > 0 || onlyB.length > 0) {
    const parts = [];
    if (onlyA.length > 0) parts.push(`${onlyA.length} only in ${a.label} (${listIds(onlyA)})`);
    if (onlyB.length > 0) parts.push(`${onlyB.length} only in ${b.label} (${listIds(onlyB)})`);
    problems.push(`question ids differ: ${parts.join(', ')}`);
  }
  return problems;
}

function short(hash: string): string {
  return hash.length > 12 ? hash.slice(0, 12) : hash;
}

function listIds(ids: string[]): string {
  return ids.length > SHOWN_IDS ? `${ids.slice(0, SHOWN_IDS).join(', ')}, …` : ids.join(', ');
}

type ById = ReadonlyMap<string, LeanRecord>;
/** Intervals requested from `batch`; `settle` fills in what depends on them once it has run. */
interface Boot {
  batch: BootstrapBatch;
  settle: (() => void)[];
  level: number;
}

function comparePipeline(pa: PipelineResult, pb: PipelineResult, ids: string[], byIdA: ById, byIdB: ById, flips: Flip[], boot: Boot, notes: string[]): PipelineComparison {
  const metrics: PipelineComparison['metrics'] = {};
  for (const m of METRICS) {
    const c = metricDiff(m, byIdA, byIdB, boot);
    if (c.questions > 0) metrics[m.id] = c;
  }
  const la = pa.summary.latencyMs;
  const lb = pb.summary.latencyMs;
  // Percentiles of zero measured calls are placeholders, not latencies.
  const lat = (pick: 'p50' | 'p95') => ratio(la.count > 0 ? la[pick] : null, lb.count > 0 ? lb[pick] : null);
  if (la.count === 0 || lb.count === 0) notes.push(`${pa.name}: no latency ratio, ${la.count === 0 ? 'A' : 'B'} has no non-cached call.`);
  if (pa.model !== pb.model) notes.push(`${pa.name}: model changed (${pa.model} → ${pb.model}).`);
  return {
    pipeline: pa.name,
    model: { a: pa.model, b: pb.model },
    questions: ids.length,
    metrics,
    latencyMs: { p50: lat('p50'), p95: lat('p95'), nonCachedCalls: { a: la.count, b: lb.count } },
    costUsd: { perThousandQuestions: ratio(pa.summary.costUsd.perThousandQuestionsUsd, pb.summary.costUsd.perThousandQuestionsUsd) },
    flips: {
      'right-to-wrong': flips.filter((f) => f.kinds.includes('right-to-wrong')).length,
      'wrong-to-right': flips.filter((f) => f.kinds.includes('wrong-to-right')).length,
      'current-to-stale': flips.filter((f) => f.kinds.includes('current-to-stale')).length,
    },
  };
}

/** b − a on the questions eligible in both runs; 0/1 metrics also get McNemar's exact test. */
function metricDiff(m: MetricDef, byIdA: ById, byIdB: ById, boot: Boot): MetricComparison {
  const ids = eligibleIds(m, byIdA, byIdB);
  if (ids.length === 0) return { questions: 0, a: null, b: null, delta: null, lo: null, hi: null, significant: false, pValue: null };
  const va = column(ids, byIdA, m.value);
  const vb = column(ids, byIdB, m.value);
  const ci = boot.batch.diff(va, vb);
  const out: MetricComparison = { questions: ids.length, a: mean(va), b: mean(vb), delta: ci.diff, lo: null, hi: null, significant: false, pValue: null };
  if (m.binary) out.pValue = mcnemarOn(va, vb).pValue;
  boot.settle.push(() => {
    Object.assign(out, { lo: ci.lo, hi: ci.hi });
    out.significant = out.pValue === null ? excludesZero(ci) : out.pValue < alphaFor(boot.level);
  });
  return out;
}

export function ratio(a: number | null, b: number | null): RatioComparison {
  if (a === null || b === null) return { a, b, ratio: null };
  if (a === 0) return { a, b, ratio: b === 0 ? 1 : null };
  return { a, b, ratio: b / a };
}

function findFlips(pipeline: string, ids: string[], byIdA: ById, byIdB: ById): Flip[] {
  const flips: Flip[] = [];
  for (const id of ids) {
    const ra = byIdA.get(id)!;
    const rb = byIdB.get(id)!;
    const kinds: FlipKind[] = [];
    if (right(ra) && !right(rb)) kinds.push('right-to-wrong');
    if (!right(ra) && right(rb)) kinds.push('wrong-to-right');
    if (ra.freshness === 'current' && rb.freshness === 'stale') kinds.push('current-to-stale');
    if (kinds.length > 0) flips.push({ pipeline, questionId: id, category: rb.category, kinds, a: side(ra), b: side(rb) });
  }
  return flips;
}

/** Right under the primary scorer (on unanswerable questions: abstained); a failed call is wrong. */
const right = (r: LeanRecord) => r.error === null && r.correct;

function side(r: LeanRecord): FlipSide {
  return { answer: r.answer ?? null, correct: right(r), f1: r.scores.strict.f1, freshness: r.freshness, error: r.error ? `${r.error.kind}: ${r.error.message}` : null };
}

function groupByCategory(flips: Flip[]): Comparison['flips'] {
  return CATEGORIES.map((category) => ({ category, flips: flips.filter((f) => f.category === category) })).filter((g) => g.flips.length > 0);
}
