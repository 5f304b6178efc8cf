/**
 * Percentile bootstrap confidence intervals for means and paired differences of means.
 *
 * Resampling draws depend only on (seed, n): two metrics over the same n questions, aligned by
 * question id, are resampled with the same index draws. That makes reruns reproducible and makes
 * intervals of different pipelines on the same questions paired by construction.
 */
import { deriveSeed } from './rng.js';

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 20240601;
export const DEFAULT_LEVEL = 0.95;

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Confidence level, e.g. 0.95. */
  level?: number;
}

export interface MeanCI {
  mean: number;
  lo: number;
  hi: number;
}

export interface DiffCI {
  /** mean(b) - mean(a). */
  diff: number;
  lo: number;
  hi: number;
}

interface ResolvedOptions {
  resamples: number;
  seed: number;
  level: number;
}

export function resolveBootstrapOptions(opts: BootstrapOptions = {}): ResolvedOptions {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const level = opts.level ?? DEFAULT_LEVEL;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer (got ${resamples})`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1) (got ${level})`);
  return { resamples, seed: opts.seed ?? DEFAULT_SEED, level };
}

/**
 * Bootstrap means of several equally long columns in one pass: each resampled index is drawn once
 * and used for every column, so metrics of the same questions share their draws (and cost).
 * Returns, per column, the `resamples` resampled means.
 */
export function bootstrapMeans(columns: ArrayLike<number>[], opts: BootstrapOptions = {}): Float64Array[] {
  const { resamples, seed } = resolveBootstrapOptions(opts);
  const n = columns[0]?.length ?? 0;
  for (const col of columns) {
    if (col.length !== n) throw new RangeError('bootstrap columns must have equal length');
  }
  if (n === 0) throw new RangeError('cannot bootstrap an empty sample');
  // Read only: typed columns are used as they are (a batch of 200k-record comparisons would copy tens of MB).
  const data = columns.map((c) => (c instanceof Float64Array ? c : Float64Array.from(c)));
  const out = columns.map(() => new Float64Array(resamples));
  // Only distinct, non-constant columns are resampled; the others' means are exactly what
  // resampling them would give: a column equal to an earlier one gets the same means, and a
  // constant one (a pipeline unchanged between two runs: all differences 0) the same sum in every
  // resample, whatever the draws.
  const todo: Float64Array[] = [];
  const targets: Float64Array[] = [];
  const twins: [from: Float64Array, to: Float64Array][] = [];
  const byKey = new Map<number, number[]>();
  data.forEach((col, c) => {
    if (isConstant(col)) return void out[c]!.fill(constantMean(col[0]!, n));
    const key = fingerprint(col);
    const same = byKey.get(key)?.find((k) => sameValues(todo[k]!, col));
    if (same !== undefined) return void twins.push([targets[same]!, out[c]!]);
    byKey.set(key, [...(byKey.get(key) ?? []), todo.length]);
    todo.push(col);
    targets.push(out[c]!);
  });
  const idx = new Uint32Array(n);
  // mulberry32 (as in rng.ts), inlined: a closure call per draw doubles the running time, and
  // a run draws millions of indices.
  let state = deriveSeed(seed, n);
  for (let r = 0; r < resamples && todo.length > 0; r++) {
    for (let i = 0; i < n; i++) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      idx[i] = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    }
    for (let c = 0; c < todo.length; c++) {
      const col = todo[c]!;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += col[idx[i]!]!;
      targets[c]![r] = sum / n;
    }
  }
  for (const [from, to] of twins) to.set(from);
  return out;
}

const isConstant = (col: Float64Array) => col.every((v) => v === col[0]);

/** What every resample of a constant column gives: its value summed n times (as resampling sums it), over n. */
function constantMean(value: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += value;
  return sum / n;
}

/** A cheap position-weighted sum: equal columns have equal fingerprints (the converse is checked). */
function fingerprint(col: Float64Array): number {
  let h = 0;
  for (let i = 0; i < col.length; i++) h += col[i]! * ((i % 9973) + 1);
  return h;
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Linear-interpolated quantile (R type 7) of an ascending-sorted array. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Percentile interval [lo, hi] of resampled statistics at the given confidence level. */
export function percentileInterval(resampled: Float64Array, level: number): { lo: number; hi: number } {
  const sorted = Float64Array.from(resampled).sort();
  const alpha = (1 - level) / 2;
  return { lo: quantileSorted(sorted, alpha), hi: quantileSorted(sorted, 1 - alpha) };
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

/** Percentile-bootstrap CI of the mean. Throws on an empty sample (there is no mean to bound). */
export function bootstrapMeanCI(values: ArrayLike<number>, opts: BootstrapOptions = {}): MeanCI {
  return bootstrapMeanCIs([values], opts)[0]!;
}

/** CIs of several equally long columns with shared draws (see bootstrapMeans). */
export function bootstrapMeanCIs(columns: ArrayLike<number>[], opts: BootstrapOptions = {}): MeanCI[] {
  const { level } = resolveBootstrapOptions(opts);
  const resampled = bootstrapMeans(columns, opts);
  return columns.map((col, i) => ({ mean: mean(col), ...percentileInterval(resampled[i]!, level) }));
}

/** Per-item differences b[i] - a[i] of two paired samples. */
export function pairedDifferences(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length (${a.length} vs ${b.length})`);
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = b[i]! - a[i]!;
  return d;
}

/**
 * Paired bootstrap CI of mean(b) - mean(a): resampling items (questions) keeps each pair together,
 * which is equivalent to bootstrapping the mean of the per-item differences.
 */
export function pairedBootstrapDiffCI(a: ArrayLike<number>, b: ArrayLike<number>, opts: BootstrapOptions = {}): DiffCI {
  const { mean: diff, lo, hi } = bootstrapMeanCI(pairedDifferences(a, b), opts);
  return { diff, lo, hi };
}

/** Significance level matching a confidence level (0.95 -> 0.05, without 0.050000000000000044). */
export function alphaFor(level: number): number {
  return Number((1 - level).toPrecision(12));
}

/** True when the interval excludes 0, i.e. the difference is significant at the CI's level. */
export function excludesZero(ci: { lo: number; hi: number }): boolean {
  return ci.lo > 0 || ci.hi < 0;
}

/**
 * Collects many interval requests and resolves them with one resampling pass per sample size.
 * Draws depend only on (seed, n), so every column of length n can share one pass: for a run's
 * statistics this cuts the random draws from one set per metric to one per distinct n, with
 * results identical to computing each interval on its own.
 *
 * `mean()` and `diff()` return their point estimate at once; `lo`/`hi` are NaN until `run()`
 * fills them in place, so read intervals only after `run()`.
 */
export class BootstrapBatch {
  private readonly pending = new Map<number, { values: Float64Array; target: { lo: number; hi: number } }[]>();
  private readonly opts: ResolvedOptions;

  constructor(opts: BootstrapOptions = {}) {
    this.opts = resolveBootstrapOptions(opts);
  }

  mean(values: ArrayLike<number>): MeanCI {
    const target = { mean: mean(values), lo: NaN, hi: NaN };
    this.enqueue(values instanceof Float64Array ? values : Float64Array.from(values), target);
    return target;
  }

  /** Paired difference mean(b) - mean(a), as pairedBootstrapDiffCI. */
  diff(a: ArrayLike<number>, b: ArrayLike<number>): DiffCI {
    const d = pairedDifferences(a, b);
    const target = { diff: mean(d), lo: NaN, hi: NaN };
    this.enqueue(d, target);
    return target;
  }

  run(): void {
    for (const [, items] of this.pending) {
      const resampled = bootstrapMeans(
        items.map((i) => i.values),
        this.opts,
      );
      items.forEach((item, k) => Object.assign(item.target, percentileInterval(resampled[k]!, this.opts.level)));
    }
    this.pending.clear();
  }

  private enqueue(values: Float64Array, target: { lo: number; hi: number }): void {
    if (values.length === 0) throw new RangeError('cannot bootstrap an empty sample');
    // Settled now and not kept: every resample of a constant column is the same (see bootstrapMeans).
    if (isConstant(values)) return void Object.assign(target, { lo: constantMean(values[0]!, values.length), hi: constantMean(values[0]!, values.length) });
    const list = this.pending.get(values.length) ?? [];
    list.push({ values, target });
    this.pending.set(values.length, list);
  }
}
