/**
 * Statistics of one run: a bootstrap confidence interval for every registered metric (per pipeline
 * and per category), paired comparisons between pipelines on headline accuracy, per-category
 * winners with ties reported as ties, and the oracle-router upper bound. Everything is computed
 * from the per-question records and is deterministic for a given seed.
 */
import { CATEGORIES } from '../dataset/schema.js';
import { HEADLINE_METRIC, metric, type MetricDef, METRICS } from '../metrics/registry.js';
import type { LeanRecord, ResultView } from '../results/view.js';
import { alphaFor, BootstrapBatch, excludesZero, mean, resolveBootstrapOptions } from './bootstrap.js';
import { mcnemarExact } from './mcnemar.js';
import { column, commonIds, eligibleIds, indexRecords } from './records.js';
import type { CategoryWinner, PairwiseComparison, PipelineStatistics, RunStatistics } from './schema.js';

export interface RunStatisticsOptions {
  seed?: number;
  resamples?: number;
  level?: number;
}

type ById = ReadonlyMap<string, LeanRecord>;
type PairedDiff = PairwiseComparison['accuracy'];

/**
 * Builds every figure with its interval requested from one BootstrapBatch, resolves the batch
 * (one resampling pass per distinct sample size), then derives what depends on the intervals
 * (significance, ties).
 */
export function computeRunStatistics(result: { pipelines: ResultView['pipelines']; records: readonly LeanRecord[] }, opts: RunStatisticsOptions = {}): RunStatistics {
  const boot = resolveBootstrapOptions(opts);
  const batch = new BootstrapBatch(boot);
  const byPipeline = indexRecords(result.records);
  // Pipelines in the order of the run; a pipeline without records still gets an (empty) entry.
  const names = result.pipelines.map((p) => p.name);
  const recordsOf = (name: string): ById => byPipeline.get(name) ?? new Map();
  const alpha = alphaFor(boot.level);

  const pipelines = names.map((name) => pipelineStatistics(name, recordsOf(name), batch));
  const comparisons = pairs(names).map(([a, b]) => comparePipelines(a, recordsOf(a), b, recordsOf(b), batch, alpha));
  const categoryWinners = winnersByCategory(names, recordsOf, batch);
  const oracle = oracleRouter(names, recordsOf, batch);
  batch.run();

  for (const c of comparisons) for (const d of [c.accuracy, c.strictF1, c.abstentionAccuracy]) if (d) d.significant = d.questions > 0 && excludesZero(d);
  // A leader wins only if it beats the runner-up on their paired questions (CI above 0).
  for (const w of categoryWinners) {
    w.tie = w.runnerUp !== null && !(w.margin !== null && w.margin.lo > 0);
    w.winner = w.tie ? null : w.leader;
  }
  return {
    method: { interval: 'percentile-bootstrap', resamples: boot.resamples, seed: boot.seed, level: boot.level, test: 'mcnemar-exact', alpha },
    pipelines,
    comparisons,
    categoryWinners,
    oracle,
  };
}

/** Every unordered pair, in pipeline order: (p0,p1), (p0,p2), ..., (p1,p2), ... */
function pairs<T>(items: readonly T[]): [T, T][] {
  const out: [T, T][] = [];
  for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) out.push([items[i]!, items[j]!]);
  return out;
}

function only(byId: ById, keep: (r: LeanRecord) => boolean): Map<string, LeanRecord> {
  const out = new Map<string, LeanRecord>();
  for (const [id, r] of byId) if (keep(r)) out.set(id, r);
  return out;
}

/** Interval of every metric with an eligible record. */
function metricCIs(byId: ById, batch: BootstrapBatch): PipelineStatistics['metrics'] {
  const out: PipelineStatistics['metrics'] = {};
  for (const m of METRICS) {
    const ids = eligibleIds(m, byId);
    if (ids.length > 0) out[m.id] = Object.assign(batch.mean(column(ids, byId, m.value)), { n: ids.length });
  }
  return out;
}

function pipelineStatistics(name: string, byId: ById, batch: BootstrapBatch): PipelineStatistics {
  const byCategory: PipelineStatistics['byCategory'] = {};
  for (const category of CATEGORIES) {
    const mine = only(byId, (r) => r.category === category);
    if (mine.size > 0) byCategory[category] = { questions: mine.size, metrics: metricCIs(mine, batch) };
  }
  return { name, questions: byId.size, metrics: metricCIs(byId, batch), byCategory };
}

/** b − a of one metric on the questions eligible in both; `significant` is set after the batch runs. */
export function pairedDiff(m: MetricDef, aById: ById, bById: ById, batch: BootstrapBatch): PairedDiff {
  const ids = eligibleIds(m, aById, bById);
  if (ids.length === 0) return { metric: m.id, questions: 0, a: null, b: null, diff: 0, lo: 0, hi: 0, significant: false };
  const a = column(ids, aById, m.value);
  const b = column(ids, bById, m.value);
  return Object.assign(batch.diff(a, b), { metric: m.id, questions: ids.length, a: mean(a), b: mean(b), significant: false });
}

function comparePipelines(a: string, aById: ById, b: string, bById: ById, batch: BootstrapBatch, alpha: number): PairwiseComparison {
  const head = metric(HEADLINE_METRIC);
  const ids = eligibleIds(head, aById, bById);
  const test = mcnemarOn(column(ids, aById, head.value), column(ids, bById, head.value));
  const abstention = pairedDiff(metric('abstentionAccuracy'), aById, bById, batch);
  return {
    a,
    b,
    accuracy: pairedDiff(head, aById, bById, batch),
    strictF1: pairedDiff(metric('strictF1'), aById, bById, batch),
    abstentionAccuracy: abstention.questions > 0 ? abstention : null,
    mcnemar: { aOnlyCorrect: test.b, bOnlyCorrect: test.c, pValue: test.pValue, significant: ids.length > 0 && test.pValue < alpha },
  };
}

/** McNemar on two aligned 0/1 correctness columns. */
export function mcnemarOn(aCorrect: ArrayLike<number>, bCorrect: ArrayLike<number>) {
  let aOnly = 0;
  let bOnly = 0;
  for (let i = 0; i < aCorrect.length; i++) {
    if (aCorrect[i]! > bCorrect[i]!) aOnly++;
    else if (aCorrect[i]! < bCorrect[i]!) bOnly++;
  }
  return mcnemarExact(aOnly, bOnly);
}

/** Share of the common questions on which all pipelines have the same headline value. */
function agreement(maps: ById[], m: MetricDef): number {
  const ids = eligibleIds(m, ...maps);
  if (ids.length === 0) return 0;
  const cols = maps.map((byId) => column(ids, byId, m.value));
  let same = 0;
  for (let i = 0; i < ids.length; i++) if (cols.every((c) => c[i] === cols[0]![i])) same++;
  return same / ids.length;
}

/**
 * Leader and runner-up by headline accuracy per answerable category; `tie`/`winner` are decided
 * after the batch runs. Unanswerable questions have no eligible records for accuracy, so they get
 * no winner: a pipeline that always abstains would win them, which says nothing about answering.
 */
function winnersByCategory(names: readonly string[], recordsOf: (n: string) => ById, batch: BootstrapBatch): CategoryWinner[] {
  const head = metric(HEADLINE_METRIC);
  const winners: CategoryWinner[] = [];
  for (const category of CATEGORIES) {
    const ranked = names
      .map((name) => ({ name, byId: only(recordsOf(name), (r) => r.category === category && head.eligible(r)) }))
      .filter((p) => p.byId.size > 0)
      .map((p) => ({ ...p, value: mean(column([...p.byId.keys()], p.byId, head.value)) }))
      // Stable sort: equal values keep pipeline order, so the result never depends on chance.
      .sort((x, y) => y.value - x.value);
    if (ranked.length === 0) continue;
    const [leader, runnerUp] = ranked as [(typeof ranked)[number], (typeof ranked)[number] | undefined];
    const ids = runnerUp ? commonIds(leader.byId, runnerUp.byId) : [];
    winners.push({
      category,
      metric: head.id,
      winner: leader.name,
      tie: false,
      leader: leader.name,
      leaderValue: leader.value,
      runnerUp: runnerUp?.name ?? null,
      runnerUpValue: runnerUp?.value ?? null,
      margin: runnerUp && ids.length > 0 ? batch.diff(column(ids, runnerUp.byId, head.value), column(ids, leader.byId, head.value)) : null,
      allAgree: agreement(ranked.map((p) => p.byId), head),
    });
  }
  return winners;
}

/**
 * The oracle router sends each answerable question to a pipeline that got it right: its accuracy
 * bounds what any router among these pipelines could reach. Questions where all pipelines agree,
 * or several are right, are counted as such and credited to no pipeline.
 */
function oracleRouter(names: readonly string[], recordsOf: (n: string) => ById, batch: BootstrapBatch): RunStatistics['oracle'] {
  if (names.length < 2) return null;
  const head = metric(HEADLINE_METRIC);
  const maps = names.map(recordsOf);
  const ids = eligibleIds(head, ...maps);
  if (ids.length === 0) return null;
  const cols = maps.map((m) => column(ids, m, head.value));
  const best = new Float64Array(ids.length);
  const onlyCorrect: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  let severalCorrect = 0;
  let allCorrect = 0;
  let noneCorrect = 0;
  for (let i = 0; i < ids.length; i++) {
    const right = cols.flatMap((c, p) => (c[i]! >= 1 ? [p] : []));
    best[i] = right.length > 0 ? 1 : 0;
    if (right.length === 0) noneCorrect++;
    else if (right.length === names.length) allCorrect++;
    else if (right.length === 1) onlyCorrect[names[right[0]!]!]!++;
    else severalCorrect++;
  }
  const singles = cols.map((c, p) => ({ pipeline: names[p]!, accuracy: mean(c) }));
  const top = singles.reduce((x, y) => (y.accuracy > x.accuracy ? y : x));
  const accuracy = batch.mean(best);
  return { questions: ids.length, accuracy, onlyCorrect, severalCorrect, allCorrect, noneCorrect, bestSingle: { ...top, gain: accuracy.mean - top.accuracy } };
}
