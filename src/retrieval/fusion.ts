/**
 * Weighted reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009):
 *
 *   fused(x) = Σ over lists L holding x of  weight(L) / (rrfK + rank_L(x)),  ranks from 1.
 *
 * It needs only ranks, so a cosine distance and a BM25 score never have to be put on one scale.
 * rrfK damps the head of each list: with the usual 60, rank 1 and rank 5 differ by 6%, so an item
 * both lists find beats one that a single list puts first.
 */
export interface RankedInput<T> {
  /** Best first. */
  items: readonly T[];
  weight: number;
}

export interface Fused<T> {
  item: T;
  score: number;
}

/**
 * Items of every list, by fused score (best first); a list of weight 0 adds nothing, not even its
 * items. Ties go to the better best rank, then to the earlier list, so the order is deterministic.
 * `key` identifies an item across lists.
 */
export function reciprocalRankFusion<T>(lists: readonly RankedInput<T>[], key: (item: T) => string, rrfK: number): Fused<T>[] {
  if (!(Number.isFinite(rrfK) && rrfK >= 0)) throw new Error(`rrfK must be a number >= 0 (got ${rrfK})`);
  const byKey = new Map<string, { item: T; score: number; bestRank: number; firstList: number }>();
  lists.forEach(({ items, weight }, listIndex) => {
    if (!(Number.isFinite(weight) && weight >= 0)) throw new Error(`fusion weight must be a number >= 0 (got ${weight})`);
    items.forEach((item, i) => {
      const rank = i + 1;
      const k = key(item);
      const entry = byKey.get(k);
      if (entry) {
        entry.score += weight / (rrfK + rank);
        entry.bestRank = Math.min(entry.bestRank, rank);
      } else byKey.set(k, { item, score: weight / (rrfK + rank), bestRank: rank, firstList: listIndex });
    });
  });
  return [...byKey.values()]
    .filter((e) => e.score > 0)
    .sort((a, b) => b.score - a.score || a.bestRank - b.bestRank || a.firstList - b.firstList)
    .map(({ item, score }) => ({ item, score }));
}
