/**
 * Strict scoring: the official SQuAD v1.1 script, unchanged. Lowercase, drop punctuation, drop the
 * articles a/an/the, collapse whitespace; EM = equal after normalization; F1 = token multiset
 * overlap. Scores take the max over the accepted aliases.
 *
 * Why keep it verbatim: it is the number everyone else reports, so it must stay comparable with
 * published results even though it is unfair to sentence-style chat answers (see lenient.ts).
 * (It replaced src/metrics/squad.ts in result schema 2.0; its outputs are pinned in strict.test.ts.)
 */

// Python's string.punctuation, which the official script removes.
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

export function normalizeAnswer(s: string): string {
  let out = '';
  for (const ch of s.toLowerCase()) if (!PUNCTUATION.has(ch)) out += ch;
  return out.replace(/\b(a|an|the)\b/g, ' ').split(/\s+/).filter(Boolean).join(' ');
}

export function exactMatch(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

export function tokenF1(prediction: string, gold: string): number {
  const p = normalizeAnswer(prediction).split(' ').filter(Boolean);
  const g = normalizeAnswer(gold).split(' ').filter(Boolean);
  // The official script scores empty vs empty as a match.
  if (p.length === 0 || g.length === 0) return p.length === g.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}

export function maxOverAliases(metric: (p: string, g: string) => number, prediction: string, golds: readonly string[]): number {
  let best = 0;
  for (const g of golds) best = Math.max(best, metric(prediction, g));
  return best;
}
