/**
 * Okapi BM25 over analyzed words, as Lucene scores it:
 *
 *   score(q, d) = Σ over distinct terms t of q present in d of
 *                 idf(t) · tf·(k1 + 1) / (tf + k1·(1 − b + b·|d| / avgdl))
 *   idf(t)      = ln(1 + (N − df + 0.5) / (df + 0.5))
 *
 * tf: occurrences of t in d; |d|: analyzed terms in d; N, df and avgdl over every indexed text (a
 * filter narrows which texts may be returned, not the statistics). Lucene's idf is never negative,
 * so a term in most texts still counts a little instead of pushing documents down.
 *
 * Written here rather than taken from a library: see "Retrieval" in the README for the candidates
 * and why none gave these scores.
 */
import { tokenize } from '../models/local/text.js';
import { sha256 } from '../util/hash.js';

export interface Bm25Params {
  /** Term-frequency saturation: higher lets repeated terms count for longer. */
  k1: number;
  /** Length normalization, 0 (none) to 1 (full). */
  b: number;
}

/** Robertson's and Lucene's usual values. */
export const DEFAULT_BM25_PARAMS: Bm25Params = { k1: 1.2, b: 0.75 };

const COMBINING_MARK = /\p{M}/gu;

/**
 * Words as BM25 sees them: accents folded ("Hervé" = "Herve"), lowercased, possessive 's
 * dropped, light stemming (founded = founding = found) and the local models' stopwords removed
 * (function words and question scaffolding such as "what", "name", "current"). The same
 * primitives as the local reader, so what the reader calls the same word, retrieval does too.
 */
export function analyze(text: string): string[] {
  return tokenize(text.normalize('NFKD').replace(COMBINING_MARK, ''))
    .filter((t) => t.word && !t.stop)
    .map((t) => t.stem);
}

/** Text that exercises every analyzer rule: any change to them changes its analysis. */
const PROBE =
  "What's the Founders' cities' names? Hervé's 1,250,000 runners founded Okonkwo-Lind in 1953; " +
  'studies, stopped, agreed, running, happily, populations, the currently known leaders of Zürich.';

/**
 * Identity of `analyze` for index manifests. Its rules live partly in another module (the local
 * models' tokenizer, stemmer and stopwords), so a version number here would not notice their
 * changes; the analysis of a probe text does.
 */
export const ANALYZER_ID = `bm25-words-${sha256(JSON.stringify(analyze(PROBE))).slice(0, 12)}`;

/**
 * Inverted index. `postings[i]` lists, for `terms[i]`, the texts holding it as flat pairs
 * [label, tf, label, tf, …] in label order; `lengths[label]` is the text's analyzed length.
 */
export interface Bm25Postings {
  terms: string[];
  postings: number[][];
  lengths: number[];
}

export function buildPostings(texts: readonly string[]): Bm25Postings {
  const byTerm = new Map<string, number[]>();
  const lengths: number[] = [];
  texts.forEach((text, label) => {
    const words = analyze(text);
    lengths.push(words.length);
    const tf = new Map<string, number>();
    for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
    for (const [term, n] of tf) {
      let list = byTerm.get(term);
      if (!list) byTerm.set(term, (list = []));
      list.push(label, n);
    }
  });
  // Sorted terms: the same texts always give the same file, byte for byte.
  const terms = [...byTerm.keys()].sort();
  return { terms, postings: terms.map((t) => byTerm.get(t)!), lengths };
}

export interface Bm25Hit {
  label: number;
  score: number;
}

export interface Bm25Scorer {
  /** Texts indexed. */
  readonly size: number;
  /**
   * Up to `n` texts with a positive score for `query`, best first (equal scores by label).
   * `allowed` (by label) narrows the texts returned. A query with no analyzed word matches nothing.
   */
  search(query: string, n: number, params: Bm25Params, allowed?: (label: number) => boolean): Bm25Hit[];
}

export function createScorer(p: Bm25Postings): Bm25Scorer {
  const index = new Map(p.terms.map((t, i) => [t, p.postings[i]!]));
  const size = p.lengths.length;
  const avgdl = size === 0 ? 0 : p.lengths.reduce((a, x) => a + x, 0) / size;
  return {
    size,
    search(query, n, { k1, b }, allowed) {
      assertParams({ k1, b });
      if (!Number.isInteger(n) || n < 1) throw new Error(`n must be a positive integer (got ${n})`);
      const scores = new Map<number, number>();
      for (const term of new Set(analyze(query))) {
        const list = index.get(term);
        if (!list) continue;
        const df = list.length / 2;
        const idf = Math.log(1 + (size - df + 0.5) / (df + 0.5));
        for (let i = 0; i < list.length; i += 2) {
          const label = list[i]!;
          const tf = list[i + 1]!;
          const norm = avgdl === 0 ? 1 : 1 - b + (b * p.lengths[label]!) / avgdl;
          scores.set(label, (scores.get(label) ?? 0) + (idf * tf * (k1 + 1)) / (tf + k1 * norm));
        }
      }
      const hits: Bm25Hit[] = [];
      for (const [label, score] of scores) if (score > 0 && (!allowed || allowed(label))) hits.push({ label, score });
      return hits.sort((x, y) => y.score - x.score || x.label - y.label).slice(0, n);
    },
  };
}

function assertParams({ k1, b }: Bm25Params): void {
  if (!(Number.isFinite(k1) && k1 >= 0)) throw new Error(`BM25 k1 must be a number >= 0 (got ${k1})`);
  if (!(b >= 0 && b <= 1)) throw new Error(`BM25 b must be between 0 and 1 (got ${b})`);
}
