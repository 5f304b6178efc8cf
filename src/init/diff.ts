/**
 * Sentence diff of two versions of a document (longest common subsequence over sentences): what
 * stayed, what the later version dropped and what it added. A changed fact shows as a removed
 * sentence beside an added one, which is where `updated` questions and their stale answers come
 * from; unchanged sentences feed `static` questions. (No diff package is installed; documents are
 * a few hundred sentences at most, so the quadratic table is small.)
 */

/** Sentences (and list items, table rows, headings: each line is split on its own). */
export function sentences(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((line) => line.split(/(?<=[.!?])\s+(?=[A-Z0-9"'(\[])/))
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface SentenceDiff {
  same: string[];
  removed: string[];
  added: string[];
}

export function diffSentences(earlier: string, later: string): SentenceDiff {
  const a = sentences(earlier);
  const b = sentences(later);
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: SentenceDiff = { same: [], removed: [], added: [] };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.same.push(a[i]!);
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.removed.push(a[i++]!);
    else out.added.push(b[j++]!);
  }
  out.removed.push(...a.slice(i));
  out.added.push(...b.slice(j));
  return out;
}
