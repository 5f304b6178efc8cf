/**
 * Agreement between two raters over the same items with categorical labels (e.g. an LLM judge
 * and human labels): raw agreement and Cohen's kappa.
 *
 *   p_o = share of items both raters label the same
 *   p_e = sum over labels L of P(rater A says L) * P(rater B says L)   (chance agreement)
 *   kappa = (p_o - p_e) / (1 - p_e)
 *
 * Degenerate case: p_e = 1 happens only when both raters give every item the same single label;
 * kappa is then 0/0. We define it as 1 when agreement is perfect (it always is, in that case)
 * and 0 otherwise, and flag it with `degenerate: true` so a report can say "κ undefined"; a κ of
 * 1 from one label is not evidence that the raters discriminate. With no items everything is null.
 */
export type Label = string | boolean;

export interface AgreementResult {
  n: number;
  /** Raw agreement p_o, null when n = 0. */
  agreement: number | null;
  /** Chance agreement p_e from the two raters' marginals, null when n = 0. */
  expected: number | null;
  /** Cohen's kappa, null when n = 0. */
  kappa: number | null;
  /** p_e = 1: both raters used one and the same label for everything (see module comment). */
  degenerate: boolean;
  /** Labels seen, sorted (booleans as "true"/"false"). */
  labels: string[];
  /** confusion[i][j]: items rater A labelled labels[i] and rater B labels[j]. */
  confusion: number[][];
}

export function cohensKappa(a: readonly Label[], b: readonly Label[]): AgreementResult {
  if (a.length !== b.length) throw new RangeError(`raters labelled different numbers of items (${a.length} vs ${b.length})`);
  const n = a.length;
  const sa = a.map(String);
  const sb = b.map(String);
  const labels = [...new Set([...sa, ...sb])].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  for (let i = 0; i < n; i++) confusion[index.get(sa[i]!)!]![index.get(sb[i]!)!]! += 1;
  if (n === 0) return { n, agreement: null, expected: null, kappa: null, degenerate: false, labels, confusion };

  let agree = 0;
  let expected = 0;
  for (let i = 0; i < labels.length; i++) {
    agree += confusion[i]![i]!;
    const rowA = confusion[i]!.reduce((s, x) => s + x, 0);
    const colB = confusion.reduce((s, row) => s + row[i]!, 0);
    expected += (rowA / n) * (colB / n);
  }
  const po = agree / n;
  // p_e = 1 exactly only with a single label; compare with a tolerance for rounding.
  const degenerate = labels.length <= 1 || Math.abs(1 - expected) < 1e-12;
  const kappa = degenerate ? (po === 1 ? 1 : 0) : (po - expected) / (1 - expected);
  return { n, agreement: po, expected, kappa, degenerate, labels, confusion };
}
