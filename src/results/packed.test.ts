import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../stats/rng.js';
import { RecordPack } from './packed.js';
import { type ResultRecord, RecordSchema } from './schema.js';
import type { LeanRecord } from './view.js';

const BULKY = new Set(['answer', 'retrievedDocIds', 'responseModelId', 'citations']);

/** Every field of the record schema an analysis can read, as plain data. */
function plain(r: LeanRecord): Record<string, unknown> {
  return Object.fromEntries(Object.keys(RecordSchema.shape).filter((k) => !BULKY.has(k)).map((k) => [k, (r as Record<string, unknown>)[k]]));
}

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const maybe = <T>(rnd: () => number, v: T): T | null => (rnd() < 0.5 ? null : v);

/** Records that vary every field, nulls included, each validated by the real schema. */
function randomRecord(rnd: () => number, i: number): ResultRecord {
  const bool = () => rnd() < 0.5;
  const judge = rnd() < 0.2 ? { verdict: pick(rnd, ['correct', 'incorrect', 'abstained', null] as const), correct: maybe(rnd, bool()), matchesStale: maybe(rnd, bool()), tokens: maybe(rnd, { input: 5, output: 1 }), costUsd: maybe(rnd, rnd()), cached: bool(), error: maybe(rnd, 'bad json') } : undefined;
  return RecordSchema.parse({
    questionId: `q-${i % 97}`,
    category: pick(rnd, ['static', 'updated', 'new', 'unanswerable'] as const),
    asOf: maybe(rnd, '2031-06-01'),
    pipeline: pick(rnd, ['rag', 'fine-tuned', 'hybrid']),
    answer: maybe(rnd, 'an answer'),
    abstained: bool(),
    correct: bool(),
    scores: { strict: { exactMatch: bool() ? 1 : 0, f1: rnd() }, lenient: { correct: bool(), matchesStale: bool() }, ...(judge ? { judge } : {}) },
    hallucinated: bool(),
    freshness: maybe(rnd, pick(rnd, ['current', 'stale', 'missing', 'wrong', 'error'] as const)),
    finishReason: maybe(rnd, pick(rnd, ['stop', 'length'])),
    responseModelId: maybe(rnd, 'm-1'),
    latencyMs: { total: rnd() * 900, embed: maybe(rnd, rnd()), search: maybe(rnd, 0), generate: maybe(rnd, rnd() * 100), firstToken: maybe(rnd, rnd()) },
    tokens: maybe(rnd, { input: Math.floor(rnd() * 5000), output: 0 }),
    costUsd: maybe(rnd, rnd() / 1000),
    cpuMs: maybe(rnd, rnd() * 30),
    cached: bool(),
    embedCached: maybe(rnd, bool()),
    retrievedDocIds: maybe(rnd, ['d1', 'd2']),
    retrieval: maybe(rnd, { recall: rnd(), reciprocalRank: rnd(), chunkRecall: maybe(rnd, bool()) }),
    answerInContext: maybe(rnd, bool()),
    leaked: maybe(rnd, bool()),
    citations: maybe(rnd, ['d1']),
    citation: maybe(rnd, { cited: 3, correct: 1, fabricated: 2, notInCorpus: 1, precision: maybe(rnd, 1 / 3), recall: maybe(rnd, 0.5) }),
    error: maybe(rnd, { kind: pick(rnd, ['timeout', 'server'] as const), message: `failed ${i}` }),
  });
}

describe('RecordPack', () => {
  it('gives back every analysed field exactly, nulls and rare parts included, past the capacity it was made with', () => {
    const rnd = mulberry32(7);
    const records = Array.from({ length: 3000 }, (_, i) => randomRecord(rnd, i));
    const pack = new RecordPack(100);
    const views = records.map((r) => pack.add(r));
    records.forEach((r, i) => {
      const { answer: _a, retrievedDocIds: _d, responseModelId: _m, citations: _c, ...lean } = r;
      expect(plain(views[i]!)).toEqual(plain(lean as LeanRecord));
    });
  });

  it('keeps a field the schema gains from being silently dropped', () => {
    // A new record field must be packed (or listed as bulky): every schema key reads back defined.
    const pack = new RecordPack();
    const view = pack.add(randomRecord(mulberry32(1), 0)) as unknown as Record<string, unknown>;
    for (const key of Object.keys(RecordSchema.shape).filter((k) => !BULKY.has(k))) expect(key in view, key).toBe(true);
    for (const key of BULKY) expect(view[key], key).toBeUndefined();
  });
});
