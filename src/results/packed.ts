/**
 * Lean records stored by column: what a reader of a large result keeps per (pipeline, question)
 * pair. Numbers sit in typed arrays, strings (question ids, pipeline names, categories, dates)
 * once in a shared table, rare parts (judge scores, errors) in sparse maps; each record is a small
 * view whose getters read the columns. About 200 bytes a pair, against ~440 for a lean object
 * record, and independent of how long answers are or how many ids a retrieval returned.
 */
import type { Category } from '../dataset/schema.js';
import type { CitationScore, ErrorKind, Freshness, JudgeScore, ResultRecord, Tokens } from './schema.js';
import type { LeanRecord } from './view.js';

// Strided layouts: record i's values are at [i * STRIDE + field].
const S = { questionId: 0, pipeline: 1, category: 2, asOf: 3, freshness: 4, finishReason: 5 } as const;
const S_STRIDE = 6;
const N = { exactMatch: 0, f1: 1, total: 2, embed: 3, search: 4, generate: 5, firstToken: 6, costUsd: 7, cpuMs: 8, recall: 9, reciprocalRank: 10, citationPrecision: 11, citationRecall: 12 } as const;
const N_STRIDE = 13;
const I = { input: 0, output: 1, cited: 2, correct: 3, fabricated: 4, notInCorpus: 5 } as const;
const I_STRIDE = 6;

// Flag bits; a nullable boolean takes two (set = known, next = value).
const F = { abstained: 1 << 0, correct: 1 << 1, hallucinated: 1 << 2, cached: 1 << 3, lenientCorrect: 1 << 4, matchesStale: 1 << 5, tokens: 1 << 6, retrieval: 1 << 7, citation: 1 << 8 } as const;
const NB = { embedCached: 9, chunkRecall: 11, answerInContext: 13, leaked: 15 } as const;

/** Null in a number column (the schema admits no NaN, so it cannot be a value). */
const NULL = Number.NaN;
const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

class Column<T extends Float64Array | Uint32Array> {
  data: T;
  constructor(
    private readonly make: (n: number) => T,
    private readonly stride: number,
    capacity: number,
  ) {
    this.data = make(Math.max(capacity, 16) * stride);
  }
  /** Makes room for record `i`; returns its offset. */
  slot(i: number): number {
    const at = i * this.stride;
    if (at + this.stride > this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    return at;
  }
}

export class RecordPack {
  private readonly strings: string[] = [''];
  private readonly codes = new Map<string, number>();
  readonly s: Column<Uint32Array>;
  readonly n: Column<Float64Array>;
  readonly i: Column<Uint32Array>;
  readonly flags: Column<Uint32Array>;
  readonly judges = new Map<number, JudgeScore>();
  readonly errors = new Map<number, { kind: ErrorKind; message: string }>();
  private count = 0;

  /** `capacity`: the records expected (a results file's summary says how many), so columns are allocated once. */
  constructor(capacity = 1024) {
    this.s = new Column((n) => new Uint32Array(n), S_STRIDE, capacity);
    this.n = new Column((n) => new Float64Array(n), N_STRIDE, capacity);
    this.i = new Column((n) => new Uint32Array(n), I_STRIDE, capacity);
    this.flags = new Column((n) => new Uint32Array(n), 1, capacity);
  }

  /** Stores a record; returns its lean view. */
  add(r: ResultRecord): LeanRecord {
    const k = this.count++;
    // Slots first: making room may replace a column's array.
    const s = this.s.slot(k), n = this.n.slot(k), i = this.i.slot(k), fl = this.flags.slot(k);
    const sd = this.s.data, nd = this.n.data, id = this.i.data;
    sd[s + S.questionId] = this.code(r.questionId);
    sd[s + S.pipeline] = this.code(r.pipeline);
    sd[s + S.category] = this.code(r.category);
    sd[s + S.asOf] = this.code(r.asOf);
    sd[s + S.freshness] = this.code(r.freshness);
    sd[s + S.finishReason] = this.code(r.finishReason);
    const { latencyMs: l, retrieval, citation, tokens } = r;
    nd[n + N.exactMatch] = r.scores.strict.exactMatch;
    nd[n + N.f1] = r.scores.strict.f1;
    nd[n + N.total] = l.total;
    nd[n + N.embed] = l.embed ?? NULL;
    nd[n + N.search] = l.search ?? NULL;
    nd[n + N.generate] = l.generate ?? NULL;
    nd[n + N.firstToken] = l.firstToken ?? NULL;
    nd[n + N.costUsd] = r.costUsd ?? NULL;
    nd[n + N.cpuMs] = r.cpuMs ?? NULL;
    nd[n + N.recall] = retrieval?.recall ?? NULL;
    nd[n + N.reciprocalRank] = retrieval?.reciprocalRank ?? NULL;
    nd[n + N.citationPrecision] = citation?.precision ?? NULL;
    nd[n + N.citationRecall] = citation?.recall ?? NULL;
    id[i + I.input] = tokens?.input ?? 0;
    id[i + I.output] = tokens?.output ?? 0;
    id[i + I.cited] = citation?.cited ?? 0;
    id[i + I.correct] = citation?.correct ?? 0;
    id[i + I.fabricated] = citation?.fabricated ?? 0;
    id[i + I.notInCorpus] = citation?.notInCorpus ?? 0;
    let f = 0;
    if (r.abstained) f |= F.abstained;
    if (r.correct) f |= F.correct;
    if (r.hallucinated) f |= F.hallucinated;
    if (r.cached) f |= F.cached;
    if (r.scores.lenient.correct) f |= F.lenientCorrect;
    if (r.scores.lenient.matchesStale) f |= F.matchesStale;
    if (tokens) f |= F.tokens;
    if (retrieval) f |= F.retrieval;
    if (citation) f |= F.citation;
    f = setNullable(f, NB.embedCached, r.embedCached);
    f = setNullable(f, NB.chunkRecall, retrieval?.chunkRecall ?? null);
    f = setNullable(f, NB.answerInContext, r.answerInContext);
    f = setNullable(f, NB.leaked, r.leaked);
    this.flags.data[fl] = f;
    if (r.scores.judge) this.judges.set(k, r.scores.judge);
    if (r.error) this.errors.set(k, r.error);
    return new PackedRecord(this, k);
  }

  string(code: number): string | null {
    return code === 0 ? null : this.strings[code]!;
  }

  private code(v: string | null): number {
    if (v === null) return 0;
    let c = this.codes.get(v);
    if (c === undefined) {
      c = this.strings.push(v) - 1;
      this.codes.set(v, c);
    }
    return c;
  }
}

function setNullable(flags: number, bit: number, v: boolean | null): number {
  return v === null ? flags : flags | (1 << bit) | (v ? 1 << (bit + 1) : 0);
}

function getNullable(flags: number, bit: number): boolean | null {
  return flags & (1 << bit) ? (flags & (1 << (bit + 1))) !== 0 : null;
}

/** One record of a pack. Nested parts (scores, latency, ...) are built afresh on each read. */
class PackedRecord implements LeanRecord {
  constructor(
    private readonly p: RecordPack,
    private readonly k: number,
  ) {}

  private str(field: number): string | null {
    return this.p.string(this.p.s.data[this.k * S_STRIDE + field]!);
  }
  private num(field: number): number {
    return this.p.n.data[this.k * N_STRIDE + field]!;
  }
  private int(field: number): number {
    return this.p.i.data[this.k * I_STRIDE + field]!;
  }
  private get f(): number {
    return this.p.flags.data[this.k]!;
  }

  get questionId(): string {
    return this.str(S.questionId)!;
  }
  get pipeline(): string {
    return this.str(S.pipeline)!;
  }
  get category(): Category {
    return this.str(S.category) as Category;
  }
  get asOf(): string | null {
    return this.str(S.asOf);
  }
  get freshness(): Freshness | null {
    return this.str(S.freshness) as Freshness | null;
  }
  get finishReason(): string | null {
    return this.str(S.finishReason);
  }
  get abstained(): boolean {
    return (this.f & F.abstained) !== 0;
  }
  get correct(): boolean {
    return (this.f & F.correct) !== 0;
  }
  get hallucinated(): boolean {
    return (this.f & F.hallucinated) !== 0;
  }
  get cached(): boolean {
    return (this.f & F.cached) !== 0;
  }
  get scores(): LeanRecord['scores'] {
    const judge = this.p.judges.get(this.k);
    return {
      strict: { exactMatch: this.num(N.exactMatch), f1: this.num(N.f1) },
      lenient: { correct: (this.f & F.lenientCorrect) !== 0, matchesStale: (this.f & F.matchesStale) !== 0 },
      ...(judge ? { judge } : {}),
    };
  }
  get latencyMs(): LeanRecord['latencyMs'] {
    return {
      total: this.num(N.total),
      embed: orNull(this.num(N.embed)),
      search: orNull(this.num(N.search)),
      generate: orNull(this.num(N.generate)),
      firstToken: orNull(this.num(N.firstToken)),
    };
  }
  get tokens(): Tokens | null {
    return this.f & F.tokens ? { input: this.int(I.input), output: this.int(I.output) } : null;
  }
  get costUsd(): number | null {
    return orNull(this.num(N.costUsd));
  }
  get cpuMs(): number | null {
    return orNull(this.num(N.cpuMs));
  }
  get embedCached(): boolean | null {
    return getNullable(this.f, NB.embedCached);
  }
  get retrieval(): LeanRecord['retrieval'] {
    if (!(this.f & F.retrieval)) return null;
    return { recall: this.num(N.recall), reciprocalRank: this.num(N.reciprocalRank), chunkRecall: getNullable(this.f, NB.chunkRecall) };
  }
  get answerInContext(): boolean | null {
    return getNullable(this.f, NB.answerInContext);
  }
  get leaked(): boolean | null {
    return getNullable(this.f, NB.leaked);
  }
  get citation(): CitationScore | null {
    if (!(this.f & F.citation)) return null;
    return {
      cited: this.int(I.cited),
      correct: this.int(I.correct),
      fabricated: this.int(I.fabricated),
      notInCorpus: this.int(I.notInCorpus),
      precision: orNull(this.num(N.citationPrecision)),
      recall: orNull(this.num(N.citationRecall)),
    };
  }
  get error(): LeanRecord['error'] {
    return this.p.errors.get(this.k) ?? null;
  }
}
