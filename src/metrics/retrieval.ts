/** Recall of the gold documents among the retrieved ones, and reciprocal rank of the first hit. */
export function scoreRetrieval(goldDocIds: readonly string[], retrievedDocIds: readonly string[]): { recall: number; reciprocalRank: number } | null {
  if (goldDocIds.length === 0) return null;
  const gold = new Set(goldDocIds);
  const hits = retrievedDocIds.filter((id) => gold.has(id));
  const first = retrievedDocIds.findIndex((id) => gold.has(id));
  return { recall: new Set(hits).size / gold.size, reciprocalRank: first === -1 ? 0 : 1 / (first + 1) };
}
