/**
 * Parametric memory of a local fine-tune: a linear softmax classifier from hashed question
 * features to answer classes (the distinct assistant answers seen in training). Hashing into a
 * fixed number of buckets (`features`) gives it a real, limited capacity: collisions blur facts.
 */
import { detectAnswerType } from './answer-type.js';
import { tokenize } from './text.js';

/**
 * Closed-book, answer only when the top class has at least this softmax probability. With
 * hundreds of classes, chance is ~1/classes. Measured on the example fixture (531 classes, default
 * training): trained on plain questions, it answers 199 of 252 benchmark questions about trained
 * facts (all right) and 4 of 108 about unknown ones; trained on paraphrases, 252 of 252 and 22 of
 * 108. Higher thresholds cost the plain memory far more recall than they save hallucinations.
 */
export const MEMORY_THRESHOLD = 0.35;

export const WEIGHTS_FORMAT = 'ragvft-local-memory';
export const WEIGHTS_VERSION = 1;

/** What `weights.json` holds. Weights are sparse per class: float32 values, base64, little-endian. */
export interface LocalFinetuneWeights {
  format: typeof WEIGHTS_FORMAT;
  version: typeof WEIGHTS_VERSION;
  /** Number of hash buckets. */
  features: number;
  /** Answer classes; index = class id. */
  classes: string[];
  /** CSR over classes: entries of class c are offsets[c] .. offsets[c+1] (base64 uint32 LE). */
  offsets: string;
  /** Bucket of each entry (base64 uint32 LE). */
  buckets: string;
  /** Weight of each entry (base64 float32 LE). */
  values: string;
}

/** Hashed, L2-normalised sparse features of a question. */
export interface SparseVector {
  index: number[];
  value: number[];
}

/**
 * Features: lowercased content words, their stems, stem bigrams, char 4-grams of capitalized
 * words (robust to "Veltrana"/"Veltranan") and the expected answer type (so "when was X founded"
 * and "who founded X" differ). Stopwords are left out: they carry phrasing, not facts.
 */
export function featurize(question: string, buckets: number): SparseVector {
  const names: string[] = [];
  const content = tokenize(question).filter((t) => t.word && !t.stop);
  for (const t of content) {
    names.push(`w:${t.lower}`, `s:${t.stem}`);
    if (t.cap) {
      const padded = `^${t.lower}$`;
      for (let i = 0; i + 4 <= padded.length; i++) names.push(`c:${padded.slice(i, i + 4)}`);
    }
  }
  for (let i = 0; i + 1 < content.length; i++) names.push(`b:${content[i]!.stem}_${content[i + 1]!.stem}`);
  names.push(`t:${detectAnswerType(question)}`);

  const counts = new Map<number, number>();
  for (const n of names) {
    const b = fnv1a(n) % buckets;
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  const index = [...counts.keys()].sort((a, b) => a - b);
  const norm = Math.sqrt(index.reduce((s, b) => s + counts.get(b)! ** 2, 0));
  return { index, value: index.map((b) => counts.get(b)! / norm) };
}

/** 32-bit FNV-1a over UTF-16 code units: stable across runs and platforms. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Softmax in place, numerically stable. */
export function softmax(scores: Float64Array): Float64Array {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += scores[i] = Math.exp(scores[i]! - max);
  for (let i = 0; i < scores.length; i++) scores[i]! /= sum;
  return scores;
}

export interface MemoryPrediction {
  answer: string;
  probability: number;
}

/** A loaded memory, indexed by bucket for fast scoring. */
export class Memory {
  private readonly byBucket = new Map<number, { cls: number[]; w: number[] }>();

  constructor(readonly weights: LocalFinetuneWeights) {
    const offsets = decodeU32(weights.offsets);
    const buckets = decodeU32(weights.buckets);
    const values = decodeF32(weights.values);
    if (offsets.length !== weights.classes.length + 1 || buckets.length !== values.length || offsets.at(-1) !== values.length) {
      throw new Error('weights.json is inconsistent (offsets/buckets/values do not match the classes)');
    }
    for (let c = 0; c < weights.classes.length; c++) {
      for (let e = offsets[c]!; e < offsets[c + 1]!; e++) {
        let row = this.byBucket.get(buckets[e]!);
        if (!row) this.byBucket.set(buckets[e]!, (row = { cls: [], w: [] }));
        row.cls.push(c);
        row.w.push(values[e]!);
      }
    }
  }

  predict(question: string): MemoryPrediction | undefined {
    const { classes, features } = this.weights;
    if (classes.length === 0) return undefined;
    const x = featurize(question, features);
    const scores = new Float64Array(classes.length);
    x.index.forEach((b, k) => {
      const row = this.byBucket.get(b);
      if (row) for (let j = 0; j < row.cls.length; j++) scores[row.cls[j]!]! += row.w[j]! * x.value[k]!;
    });
    softmax(scores);
    let best = 0;
    for (let c = 1; c < scores.length; c++) if (scores[c]! > scores[best]!) best = c;
    return { answer: classes[best]!, probability: scores[best]! };
  }
}

export function encodeU32(a: ArrayLike<number>): string {
  const buf = Buffer.alloc(a.length * 4);
  for (let i = 0; i < a.length; i++) buf.writeUInt32LE(a[i]!, i * 4);
  return buf.toString('base64');
}
export function encodeF32(a: ArrayLike<number>): string {
  const buf = Buffer.alloc(a.length * 4);
  for (let i = 0; i < a.length; i++) buf.writeFloatLE(a[i]!, i * 4);
  return buf.toString('base64');
}
function decodeU32(s: string): number[] {
  const buf = Buffer.from(s, 'base64');
  return Array.from({ length: buf.length / 4 }, (_, i) => buf.readUInt32LE(i * 4));
}
function decodeF32(s: string): number[] {
  const buf = Buffer.from(s, 'base64');
  return Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4));
}
