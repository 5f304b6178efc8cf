/**
 * `bench --shard i/n`: a deterministic 1/n of the (question, pipeline) pairs. Shard i takes the
 * questions at dataset positions i-1, i-1+n, i-1+2n, … and runs every pipeline on them, so each
 * shard holds ~1/n of every pipeline (and of every category, however the dataset is ordered), a
 * question's pipelines share one process (its query embedding is computed once, as unsharded),
 * and the split depends on nothing but the dataset (whose hash a resume checks): stable under
 * resume. `merge` restores the unsharded record order by taking position j from shard j mod n.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InputError } from '../util/errors.js';

export const ShardSchema = z.strictObject({
  /** 1-based, as on the command line. */
  index: z.number().int().positive(),
  count: z.number().int().positive(),
  /** Pairs of the whole run (every pipeline × every question), and their fingerprint (pairSetHash). */
  pairs: z.number().int().nonnegative(),
  pairsHash: z.string(),
});
export type Shard = z.infer<typeof ShardSchema>;

export interface ShardSpec {
  index: number;
  count: number;
}

/** "2/4" -> { index: 2, count: 4 }. */
export function parseShard(value: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(index >= 1 && count >= 1 && index <= count)) throw new InputError(`--shard must be i/n with 1 <= i <= n, e.g. 2/4 (got "${value}")`);
  return { index, count };
}

/** The items of shard `s`: positions index-1, index-1+count, … */
export function shardSlice<T>(items: readonly T[], s: ShardSpec): T[] {
  return items.filter((_, j) => j % s.count === s.index - 1);
}

/** How many of `total` positions shard `index` of `count` holds. */
export function shardSize(total: number, s: ShardSpec): number {
  return Math.max(0, Math.ceil((total - (s.index - 1)) / s.count));
}

/**
 * Fingerprint of an ordered pair list (pipelines in report order, each over the questions in
 * dataset order): what merge recomputes over the merged records to prove exact coverage.
 */
export function pairSetHash(pairs: Iterable<{ pipeline: string; questionId: string }>): string {
  const h = createHash('sha256');
  for (const p of pairs) h.update(`${p.pipeline}\u0000${p.questionId}\n`);
  return h.digest('hex');
}

/** Every pair of a run, in record order. */
export function* runPairs(pipelines: readonly string[], questionIds: readonly string[]): Generator<{ pipeline: string; questionId: string }> {
  for (const pipeline of pipelines) for (const questionId of questionIds) yield { pipeline, questionId };
}
