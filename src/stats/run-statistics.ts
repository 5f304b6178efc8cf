/**
 * Statistics of one run: bootstrap confidence intervals for every summary accuracy and freshness
 * figure (per pipeline and per category), paired comparisons between pipelines, per-category
 * winners and the oracle-router upper bound. Everything is computed from the per-question records
 * and is deterministic for a given seed.
 */
import { CATEGORIES, type Category } from '../dataset/schema.js';
import type { ResultRecord, RunResult } from '../results/schema.js';
import { alphaFor, BootstrapBatch, excludesZero, mean, type MeanCI, resolveBootstrapOptions } from './bootstrap.js';
import { mcnemarExact } from './mcnemar.js';
import { abstained, column, commonIds, correct, f1, freshnessEligible, indexRecords, missing, stale } from './records.js';
import type { CategoryWinner, PairwiseComparison, PipelineStatistics, RunStatistics } from './schema.js';

export interface RunStatisticsOptions {
  seed?: number;
  resamples?: number;
  level?: number;
}

type ById = ReadonlyMap<string, ResultRecord>;

/**
 * Builds every figure with its interval requested from one BootstrapBatch, resolves the batch
 * (one resampling pass per distinct sample size), then derives what depends on the intervals
 * (significance, ties).
 */
export function computeRunStatistics(result: Pick<RunResult, 'pipelines' | 'records'>, opts: RunStatisticsOptions = {}): RunStatistics {
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

  for (const c of comparisons) c.f1.significant = c.questions > 0 && excludesZero(c.f1);
  // A leader wins only if it beats the runner-up on their paired questions (CI above 0).
  for (const w of categoryWinners) {
    w.tie = w.runnerUp !== null && !(w.margin !== null && w.margin.lo > 0);
    w.winner = w.tie ? null : w.leader;
  }
  if (oracle) oracle.bestSingle.gain = oracle.f1.mean - oracle.bestSingle.f1;

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

/** Sorted ids of the records that satisfy `keep`. */
function idsWhere(byId: ById, keep: (r: ResultRecord) => boolean): string[] {
  const ids: string[] = [];
  for (const [id, r] of byId) if (keep(r)) ids.push(id);
  return ids.sort();
}

/** Interval of a metric over the given questions, or null when there are none. */
function ci(batch: BootstrapBatch, ids: readonly string[], byId: ById, pick: (r: ResultRecord) => number): MeanCI | null {
  return ids.length === 0 ? null : batch.mean(column(ids, byId, pick));
}

function pipelineStatistics(name: string, byId: ById, batch: BootstrapBatch): PipelineStatistics {
  const all = idsWhere(byId, () => true);
  const answerable = idsWhere(byId, (r) => r.category !== 'unanswerable');
  const unanswerable = idsWhere(byId, (r) => r.category === 'unanswerable');
  const eligible = idsWhere(byId, (r) => freshnessEligible(r.category));

  const byCategory: PipelineStatistics['byCategory'] = {};
  for (const category of CATEGORIES) {
    const ids = idsWhere(byId, (r) => r.category === category);
    if (ids.length === 0) continue;
    const fresh = freshnessEligible(category);
    byCategory[category] = {
      questions: ids.length,
      exactMatch: ci(batch, ids, byId, correct)!,
      f1: ci(batch, ids, byId, f1)!,
      eligible: fresh ? ids.length : 0,
      staleRate: fresh ? ci(batch, ids, byId, stale) : null,
      missingRate: fresh ? ci(batch, ids, byId, missing) : null,
    };
  }

  return {
    name,
    questions: all.length,
    exactMatch: ci(batch, all, byId, correct),
    f1: ci(batch, all, byId, f1),
    answerable: { questions: answerable.length, exactMatch: ci(batch, answerable, byId, correct), f1: ci(batch, answerable, byId, f1) },
    abstentionAccuracy: ci(batch, unanswerable, byId, abstained),
    eligible: eligible.length,
    staleRate: ci(batch, eligible, byId, stale),
    missingRate: ci(batch, eligible, byId, missing),
    byCategory,
  };
}

/** F1 difference (b − a) with paired CI and McNemar on exact match; `significant` is set after the batch runs. */
function comparePipelines(a: string, aById: ById, b: string, bById: ById, batch: BootstrapBatch, alpha: number): PairwiseComparison {
  const ids = commonIds(aById, bById);
  if (ids.length === 0) {
    return {
      a, b, questions: 0,
      f1: { a: 0, b: 0, diff: 0, lo: 0, hi: 0, significant: false },
      exactMatch: { a: 0, b: 0, diff: 0 },
      mcnemar: { aOnlyCorrect: 0, bOnlyCorrect: 0, pValue: 1, significant: false },
    };
  }
  const aF1 = column(ids, aById, f1);
  const bF1 = column(ids, bById, f1);
  const aEM = column(ids, aById, correct);
  const bEM = column(ids, bById, correct);
  const test = mcnemarOn(aEM, bEM);
  return {
    a, b, questions: ids.length,
    f1: Object.assign(batch.diff(aF1, bF1), { a: mean(aF1), b: mean(bF1), significant: false }),
    exactMatch: { a: mean(aEM), b: mean(bEM), diff: mean(bEM) - mean(aEM) },
    mcnemar: { aOnlyCorrect: test.b, bOnlyCorrect: test.c, pValue: test.pValue, significant: test.pValue < alpha },
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

/** Leader and runner-up by mean F1 per category; `tie`/`winner` are decided after the batch runs. */
function winnersByCategory(names: readonly string[], recordsOf: (n: string) => ById, batch: BootstrapBatch): CategoryWinner[] {
  const winners: CategoryWinner[] = [];
  for (const category of CATEGORIES) {
    const ranked = names
      .map((name) => ({ name, byId: onlyCategory(recordsOf(name), category) }))
      .filter((p) => p.byId.size > 0)
      .map((p) => ({ ...p, f1: mean(column([...p.byId.keys()], p.byId, f1)) }))
      // Stable sort: equal F1 keeps pipeline order, so the result never depends on chance.
      .sort((x, y) => y.f1 - x.f1);
    if (ranked.length === 0) continue;
    const [leader, runnerUp] = ranked as [(typeof ranked)[number], (typeof ranked)[number] | undefined];
    const ids = runnerUp ? commonIds(leader.byId, runnerUp.byId) : [];
    winners.push({
      category,
      winner: leader.name,
      tie: false,
      leader: leader.name,
      leaderF1: leader.f1,
      runnerUp: runnerUp?.name ?? null,
      runnerUpF1: runnerUp?.f1 ?? null,
      margin: runnerUp && ids.length > 0 ? batch.diff(column(ids, runnerUp.byId, f1), column(ids, leader.byId, f1)) : null,
    });
  }
  return winners;
}

function onlyCategory(byId: ById, category: Category): Map<string, ResultRecord> {
  const out = new Map<string, ResultRecord>();
  for (const [id, r] of byId) if (r.category === category) out.set(id, r);
  return out;
}

/**
 * The oracle router sends each question to whichever pipeline answered it best: its accuracy bounds
 * what any router choosing among these pipelines could reach. Ties go to the pipeline listed first
 * (configs list the simpler, cheaper pipelines first: a router would not pay for an equal answer).
 */
function oracleRouter(names: readonly string[], recordsOf: (n: string) => ById, batch: BootstrapBatch): RunStatistics['oracle'] {
  if (names.length < 2) return null;
  const maps = names.map(recordsOf);
  const ids = commonIds(...maps);
  if (ids.length === 0) return null;
  const f1Cols = maps.map((m) => column(ids, m, f1));
  const emCols = maps.map((m) => column(ids, m, correct));
  const bestF1 = new Float64Array(ids.length);
  const bestEM = new Float64Array(ids.length);
  const chosen: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  let tied = 0;
  for (let i = 0; i < ids.length; i++) {
    let best = -Infinity;
    let winners = 0;
    let winner = 0;
    for (let p = 0; p < names.length; p++) {
      const v = f1Cols[p]![i]!;
      // Strictly greater: on a tie the earlier pipeline keeps the question.
      if (v > best) [best, winners, winner] = [v, 1, p];
      else if (v === best) winners++;
      bestEM[i] = Math.max(bestEM[i]!, emCols[p]![i]!);
    }
    bestF1[i] = best;
    chosen[names[winner]!]!++;
    if (winners > 1) tied++;
  }
  const singles = f1Cols.map((c, p) => ({ pipeline: names[p]!, f1: mean(c) }));
  const best = singles.reduce((x, y) => (y.f1 > x.f1 ? y : x));
  return { questions: ids.length, f1: batch.mean(bestF1), exactMatch: batch.mean(bestEM), chosen, tied, bestSingle: { ...best, gain: 0 } };
}
