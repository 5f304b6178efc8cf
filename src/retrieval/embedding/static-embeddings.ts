/**
 * Trains the per-word embedding table of our offline embedding model from the corpus alone.
 *
 * Row of word w = idf(w) * concat( sqrt(a) * semantic(w), sqrt(1 - a) * identity(w) ), where
 *  - semantic(w): PPMI-SVD word vector (distance-weighted window co-occurrence, PPMI with
 *    context-distribution smoothing, truncated SVD, U * S^0.5), centred and made unit length.
 *    It lets related words ("reactor", "turbine") pull texts together.
 *  - identity(w): a seeded random +-1/sqrt(d2) sign vector, nearly orthogonal for different
 *    words. Summed over a text it is a random projection of the text's tf-idf vector, so cosine
 *    over this part approximates a tf-idf lexical match. PPMI-SVD alone is weak for rare words
 *    (an entity name seen twice has almost no co-occurrence statistics), and those are exactly
 *    the words that identify the right passage for a question.
 *  - idf(w): BM25 idf over the texts as documents. Mean pooling cannot weight words, so the
 *    weight is baked into the row's length: stop words (idf ~ 0) hardly move a text's vector.
 * Special tokens, [UNK] and punctuation get zero rows, so pooling ignores them.
 */
import { createHash } from 'node:crypto';
import { SPECIAL_TOKENS, basicTokenize, isVocabularyWord } from './tokenizer.js';
import { type CsrMatrix, truncatedSvd } from './svd.js';

export interface Tuning {
  /** Co-occurrence window on each side; pairs are weighted 1/distance. */
  window: number;
  /** Context-distribution smoothing exponent of PPMI (Levy, Goldberg & Dagan 2015). */
  cdsAlpha: number;
  /** Share of `dim` given to the semantic part; the rest is the identity part. */
  semanticDimShare: number;
  /** `a`: share of each row's squared length given to the semantic part. */
  semanticWeight: number;
  /** Subtract the mean semantic vector before normalizing (removes the common direction). */
  center: boolean;
  powerIterations: number;
}

/**
 * Defaults, chosen on a synthetic question->passage benchmark (300 and 1000 passages of fictional
 * people, places and topic words; questions by full name, by surname + topic word, by place +
 * topic words; figures below for 1000) at dim 256. Dense +-1 identity vectors beat 1..7-sparse
 * hashed ones.
 *  - semanticDimShare 0.25 (64 of 256 dims): a small corpus' co-occurrence structure (its
 *    topics) fits in few dimensions, while the identity part is a random projection whose
 *    cross-talk between words shrinks as 1/sqrt(dims), so it gets the rest. Half/half lost up
 *    to 7 points recall@1 on place+topic questions and made the SVD 2-3x slower.
 *  - semanticWeight a = 0.35: lexical matching dominates (it decides names), the semantic part
 *    adds topic evidence. Versus a = 0 (pure compressed tf-idf), recall@1 went from 0.28 to
 *    0.47 on place+topic questions and 0.90 to 0.95 on surname+topic, and from 0.83 to 0.77 on
 *    full-name questions (exact, uncompressed tf-idf: 0.39 / 0.96 / 0.94). Larger a keeps
 *    trading name matches for topic matches (a = 0.5: 0.50 / 0.95 / 0.75; a = 1 loses on all):
 *    the semantic vectors of a passage's words share directions, so the semantic part of a
 *    pooled vector grows faster with length than the near-orthogonal identity part and drowns
 *    exact name matches.
 * Centring made no measurable difference there; it is kept because PPMI-SVD vectors share a
 * common direction that would otherwise make every pair of texts look somewhat similar.
 */
export const DEFAULT_TUNING: Readonly<Tuning> = {
  window: 5,
  cdsAlpha: 0.75,
  semanticDimShare: 0.25,
  semanticWeight: 0.35,
  center: true,
  powerIterations: 2,
};

export interface StaticEmbeddings {
  /** Token strings by id; ids 0..4 are SPECIAL_TOKENS. */
  vocab: string[];
  /** vocab.length x dim, row-major. */
  table: Float32Array;
  dim: number;
  semanticDims: number;
}

const PUNCTUATION_ONLY = /^[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]+$/u;

interface Corpus {
  vocab: string[];
  ids: Map<string, number>;
  /** Per text, the token ids that take part in co-occurrence (words, not punctuation). */
  sequences: Int32Array[];
  /** Document frequency per id. */
  df: Float64Array;
}

/** Vocabulary = special tokens, then every corpus word by count desc, then code-unit order. */
function readCorpus(texts: readonly string[]): Corpus {
  const tokenized = texts.map(basicTokenize);
  const counts = new Map<string, number>();
  for (const words of tokenized) for (const w of words) if (isVocabularyWord(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts.keys()].sort((x, y) => counts.get(y)! - counts.get(x)! || (x < y ? -1 : x > y ? 1 : 0));
  const vocab = [...SPECIAL_TOKENS, ...words];
  const ids = new Map(vocab.map((w, i) => [w, i] as const));
  const df = new Float64Array(vocab.length);
  const sequences = tokenized.map((words) => {
    const seen = new Set<number>();
    const seq: number[] = [];
    for (const w of words) {
      const id = ids.get(w);
      if (id === undefined || id < SPECIAL_TOKENS.length) continue;
      seen.add(id);
      if (!PUNCTUATION_ONLY.test(w)) seq.push(id);
    }
    for (const id of seen) df[id]++;
    return Int32Array.from(seq);
  });
  return { vocab, ids, sequences, df };
}

/** Symmetric distance-weighted co-occurrence counts, one sparse row per word. */
function cooccurrence(corpus: Corpus, window: number): Map<number, number>[] {
  const rows = corpus.vocab.map(() => new Map<number, number>());
  const add = (a: number, b: number, w: number) => rows[a].set(b, (rows[a].get(b) ?? 0) + w);
  for (const seq of corpus.sequences) {
    for (let i = 0; i < seq.length; i++) {
      for (let d = 1; d <= window && i + d < seq.length; d++) {
        add(seq[i], seq[i + d], 1 / d);
        add(seq[i + d], seq[i], 1 / d);
      }
    }
  }
  return rows;
}

/** PPMI with smoothed context distribution: max(0, log(X_wc * Z / (rowsum_w * colsum_c^alpha))). */
function ppmi(rows: Map<number, number>[], alpha: number): CsrMatrix {
  const n = rows.length;
  const rowSum = new Float64Array(n);
  rows.forEach((row, i) => row.forEach((x) => (rowSum[i] += x)));
  // The counts are symmetric, so column sums equal row sums.
  const ctx = rowSum.map((c) => Math.pow(c, alpha));
  const z = ctx.reduce((s, c) => s + c, 0);
  const rowPtr = new Int32Array(n + 1);
  const colIdx: number[] = [];
  const values: number[] = [];
  rows.forEach((row, i) => {
    for (const c of [...row.keys()].sort((x, y) => x - y)) {
      const pmi = Math.log((row.get(c)! * z) / (rowSum[i] * ctx[c]));
      if (pmi > 0) {
        colIdx.push(c);
        values.push(pmi);
      }
    }
    rowPtr[i + 1] = colIdx.length;
  });
  return { rows: n, cols: n, rowPtr, colIdx: Int32Array.from(colIdx), values: Float64Array.from(values) };
}

/** Unit-length semantic vectors (vocab x k); zero rows for words without co-occurrences. */
function semanticVectors(corpus: Corpus, k: number, seed: number, tuning: Tuning): Float64Array {
  const n = corpus.vocab.length;
  if (k === 0) return new Float64Array(0);
  const m = ppmi(cooccurrence(corpus, tuning.window), tuning.cdsAlpha);
  const { u, s } = truncatedSvd(m, k, { seed, powerIterations: tuning.powerIterations });
  const scale = s.map((x) => Math.sqrt(x));
  const vectors = new Float64Array(n * k);
  const present: number[] = [];
  for (let i = 0; i < n; i++) {
    if (m.rowPtr[i + 1] === m.rowPtr[i]) continue;
    present.push(i);
    for (let c = 0; c < k; c++) vectors[i * k + c] = u[i * k + c] * scale[c];
  }
  // Normalize before centring too: otherwise words whose rows are tiny (rare words the top-k
  // subspace barely covers) would all end up pointing along minus the mean.
  for (const i of present) normalizeRow(vectors, i, k);
  if (tuning.center && present.length > 1) {
    subtractMean(vectors, present, k);
    for (const i of present) normalizeRow(vectors, i, k);
  }
  return vectors;
}

function subtractMean(vectors: Float64Array, rows: number[], k: number): void {
  const mean = new Float64Array(k);
  for (const i of rows) for (let c = 0; c < k; c++) mean[c] += vectors[i * k + c] / rows.length;
  for (const i of rows) for (let c = 0; c < k; c++) vectors[i * k + c] -= mean[c];
}

function normalizeRow(vectors: Float64Array, i: number, k: number): void {
  let norm = 0;
  for (let c = 0; c < k; c++) norm += vectors[i * k + c] ** 2;
  norm = Math.sqrt(norm);
  for (let c = 0; c < k; c++) vectors[i * k + c] = norm > 1e-12 ? vectors[i * k + c] / norm : 0;
}

/**
 * +-1/sqrt(d) signs from sha256(seed, word, block): depends on the word itself, not on its id,
 * so a word keeps its identity vector when the corpus changes.
 */
export function identityVector(word: string, seed: number, d: number): Float64Array {
  const out = new Float64Array(d);
  const unit = 1 / Math.sqrt(d);
  for (let block = 0; block * 256 < d; block++) {
    const bits = createHash('sha256').update(`ragvft-identity\u0000${seed}\u0000${block}\u0000${word}`).digest();
    for (let b = 0; b < 256 && block * 256 + b < d; b++) out[block * 256 + b] = (bits[b >> 3] >> (b & 7)) & 1 ? unit : -unit;
  }
  return out;
}

/** BM25 (Lucene) idf: near 0 for words in every text, ~log(N) for words in one. Never negative. */
function bm25Idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

export function trainStaticEmbeddings(
  texts: readonly string[],
  opts: { dim: number; seed: number },
  tuning: Tuning = DEFAULT_TUNING,
): StaticEmbeddings {
  const { dim, seed } = opts;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`embedding dim must be a positive integer, got ${dim}`);
  const corpus = readCorpus(texts);
  const semanticDims = dim >= 2 ? Math.round(dim * tuning.semanticDimShare) : 0;
  const identityDims = dim - semanticDims;
  const semantic = semanticVectors(corpus, semanticDims, seed, tuning);
  const ws = Math.sqrt(tuning.semanticWeight);
  const wi = Math.sqrt(1 - tuning.semanticWeight);
  const table = new Float32Array(corpus.vocab.length * dim);
  for (let id = SPECIAL_TOKENS.length; id < corpus.vocab.length; id++) {
    const word = corpus.vocab[id];
    if (PUNCTUATION_ONLY.test(word)) continue;
    const idf = bm25Idf(corpus.df[id], texts.length);
    const row = id * dim;
    for (let c = 0; c < semanticDims; c++) table[row + c] = idf * ws * semantic[id * semanticDims + c];
    const ident = identityVector(word, seed, identityDims);
    for (let c = 0; c < identityDims; c++) table[row + semanticDims + c] = idf * wi * ident[c];
  }
  return { vocab: corpus.vocab, table, dim, semanticDims };
}
