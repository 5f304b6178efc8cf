import { describe, expect, it } from 'vitest';
import { type AnswerFn, type FixtureQuestion, makeQuestions, makeRun, simulated, withChanges } from '../compare/test-fixtures.js';
import type { Category } from '../dataset/schema.js';
import { InputError } from '../util/errors.js';
import { type GateConfigInput, GateConfigSchema, THRESHOLD_NAMES } from './config.js';
import { evaluateGate, type GateReport } from './evaluate.js';
import { formatGateReport, toJUnitXml, xmlEscape } from './report.js';

const questions = makeQuestions(400);
const pipelines = { 'closed-book': simulated(0.3, 1), rag: simulated(0.7, 2), hybrid: simulated(0.8, 3) };
const baseline = makeRun({ id: 'base', questions, pipelines });
const config = (input: GateConfigInput = {}) => GateConfigSchema.parse(input);

function failed(r: GateReport): string[] {
  return r.violations.map((v) => `${v.pipeline}/${v.threshold}`);
}

function check(r: GateReport, pipeline: string, threshold: string) {
  const c = r.checks.find((x) => x.pipeline === pipeline && x.threshold === threshold);
  if (!c) throw new Error(`no check ${pipeline}/${threshold}`);
  return c;
}

const isAnswerable = (c: Category) => c !== 'unanswerable';
/** Questions of the fixture whose category passes `keep`. */
const countOf = (keep: (c: Category) => boolean, qs: FixtureQuestion[] = questions) => qs.filter((q) => keep(q.category)).length;

/** The planted regression: rag loses every third right answer (on unanswerable questions: stops abstaining). */
const everyThird = (_q: FixtureQuestion, i: number, o: { correct: boolean }) => (o.correct && i % 3 === 0 ? { correct: false } : undefined);
const ragWorse = withChanges(pipelines.rag, everyThird);
/** Questions (of categories passing `keep`) that rag got right in the baseline and the planted change turned wrong. */
const lost = (keep: (c: Category) => boolean) => questions.filter((q, i) => keep(q.category) && i % 3 === 0 && pipelines.rag(q, i).correct).length;
/** Questions (of categories passing `keep`) that `fn` gets right. */
const rightOf = (fn: AnswerFn, keep: (c: Category) => boolean) => questions.filter((q, i) => keep(q.category) && fn(q, i).correct).length;
const is = (c: Category) => (x: Category) => x === c;

describe('evaluateGate', () => {
  it('passes an identical rerun', () => {
    const rerun = makeRun({ id: 'rerun', questions, pipelines });
    const r = evaluateGate(baseline, rerun, config());
    expect(r.passed).toBe(true);
    expect(r.checks).toHaveLength(3 * THRESHOLD_NAMES.length);
    expect(r.checks).toHaveLength(33);
    // These runs have no restricted questions, so there is no leak rate to compare.
    expect(r.checks.filter((c) => c.status !== 'pass').map((c) => `${c.pipeline}/${c.threshold}:${c.status}`)).toEqual(['closed-book/maxLeakRise:skip', 'rag/maxLeakRise:skip', 'hybrid/maxLeakRise:skip']);
  });

  it('has eleven thresholds per pipeline: the registry\'s gated metrics, then latency, cost and errors', () => {
    expect(THRESHOLD_NAMES).toEqual([
      'maxAccuracyDrop',
      'maxF1Drop',
      'maxExactMatchDrop',
      'maxAbstentionDrop',
      'maxHallucinationRise',
      'maxLeakRise',
      'maxStaleRise',
      'maxMissingRise',
      'maxP95LatencyRatio',
      'maxCostRatio',
      'maxErrorRate',
    ]);
    expect(Object.keys(config().thresholds.default).sort()).toEqual([...THRESHOLD_NAMES].sort());
    expect(() => config({ thresholds: { default: { maxFoo: 0.1 } as never } })).toThrow();
    expect(() => config({ thresholds: { pipelines: { rag: { maxStaleRise: -0.1 } } } })).toThrow();
  });

  it('fails a significant rise in restricted facts given out, with no tolerance, and skips runs without restricted questions', () => {
    // 30 restricted (unanswerable) questions; rag starts leaking 12 of them.
    const restricted = new Set(questions.filter((q) => q.category === 'unanswerable').slice(0, 30).map((q) => q.id));
    const leaking = (n: number): AnswerFn => withChanges(pipelines.rag, (q, i) => (restricted.has(q.id) ? { leaked: [...restricted].indexOf(q.id) < n } : undefined));
    const with0 = makeRun({ id: 'b0', questions, pipelines: { ...pipelines, rag: leaking(0) } });
    const r = evaluateGate(with0, makeRun({ id: 'c12', questions, pipelines: { ...pipelines, rag: leaking(12) } }), config());
    expect(check(r, 'rag', 'maxLeakRise')).toMatchObject({ status: 'fail', significant: true });
    expect(check(r, 'rag', 'maxLeakRise').observed).toBeCloseTo(12 / 30, 12);
    expect(check(r, 'rag', 'maxLeakRise').message).toMatch(/^rag: leak rate rose by 0\.400/);
    // One more leak is not significant: reported, not failed (requireSignificance).
    expect(check(evaluateGate(with0, makeRun({ id: 'c1', questions, pipelines: { ...pipelines, rag: leaking(1) } }), config()), 'rag', 'maxLeakRise').status).toBe('pass');
    expect(check(evaluateGate(baseline, baseline, config()), 'rag', 'maxLeakRise').status).toBe('skip');
  });

  it('fails a planted regression: accuracy dropped substantially on many questions', () => {
    const current = makeRun({ id: 'cur', questions, pipelines: { ...pipelines, rag: ragWorse } });
    const r = evaluateGate(baseline, current, config());
    expect(r.passed).toBe(false);
    // Every harmful change is large (>= 10 one-way flips: McNemar p <= 2^-9), so all seven gated metrics fail.
    const answerable = countOf(isAnswerable);
    expect(answerable).toBe(340);
    for (const c of ['static', 'updated', 'new', 'unanswerable'] as const) expect(lost(is(c))).toBeGreaterThanOrEqual(10);
    expect(failed(r)).toEqual([
      'rag/maxAccuracyDrop',
      'rag/maxF1Drop',
      'rag/maxExactMatchDrop',
      'rag/maxAbstentionDrop',
      'rag/maxHallucinationRise',
      'rag/maxStaleRise',
      'rag/maxMissingRise',
    ]);

    // Accuracy is over answerable questions only: the lost answerable answers over 340, not over all 400.
    const drop = lost(isAnswerable) / answerable;
    const before = rightOf(pipelines.rag, isAnswerable) / answerable;
    const acc = check(r, 'rag', 'maxAccuracyDrop');
    expect(acc.observed).toBeCloseTo(drop, 12);
    expect(acc.baseline).toBeCloseTo(before, 12);
    expect(acc.current).toBeCloseTo(before - drop, 12);
    expect(acc.significant).toBe(true);
    expect(acc.pValue).toBeLessThan(1e-3);
    expect(acc.ci!.hi).toBeLessThan(0);
    const f = (x: number) => x.toFixed(3);
    expect(acc.message.startsWith(`rag: accuracy dropped by ${f(drop)}, more than the allowed 0.020 (${f(before)} → ${f(before - drop)}, -${f(drop)}; 95% CI [-`)).toBe(true);
    expect(acc.message).toMatch(/, McNemar p<0\.001; n=340, significant\)$/);
    // Strict F1 and EM move by the same amount here (the fixture's F1 is 1 for right, 0 for wrong).
    expect(check(r, 'rag', 'maxF1Drop').observed).toBeCloseTo(drop, 12);
    expect(check(r, 'rag', 'maxF1Drop').message).toMatch(/^rag: strict F1 dropped by \d\.\d{3}, more than the allowed 0\.020/i);
    expect(check(r, 'rag', 'maxExactMatchDrop').observed).toBeCloseTo(drop, 12);
    // Abstention and hallucination over the 60 unanswerable, stale over the 100 updated, missing over the 180 updated+new.
    expect(check(r, 'rag', 'maxAbstentionDrop').observed).toBeCloseTo(lost(is('unanswerable')) / 60, 12);
    expect(check(r, 'rag', 'maxHallucinationRise').observed).toBeCloseTo(lost(is('unanswerable')) / 60, 12);
    expect(check(r, 'rag', 'maxStaleRise').observed).toBeCloseTo(lost(is('updated')) / 100, 12);
    expect(check(r, 'rag', 'maxMissingRise').observed).toBeCloseTo(lost(is('new')) / 180, 12);
    expect(check(r, 'closed-book', 'maxAccuracyDrop').observed).toBeCloseTo(0, 12);
  });

  it('passes a tiny non-significant change', () => {
    // Three right→wrong and two wrong→right flips out of 400.
    let down = 0;
    let up = 0;
    const current = makeRun({
      id: 'cur',
      questions,
      pipelines: {
        ...pipelines,
        rag: withChanges(pipelines.rag, (q, _i, o) => {
          if (q.category !== 'static') return undefined;
          if (o.correct && down < 3) return (down++, { correct: false });
          if (!o.correct && up < 2) return (up++, { correct: true });
          return undefined;
        }),
      },
    });
    const r = evaluateGate(baseline, current, config());
    expect([down, up]).toEqual([3, 2]);
    expect(r.passed).toBe(true);
    // Net one answer lost, over the 340 answerable questions.
    for (const t of ['maxAccuracyDrop', 'maxF1Drop', 'maxExactMatchDrop']) {
      const c = check(r, 'rag', t);
      expect(c.observed).toBeCloseTo(1 / 340, 12);
      expect(c.status).toBe('pass');
      expect(c.message).toMatch(/within a drop of 0\.020$/);
    }
    expect(check(r, 'rag', 'maxAccuracyDrop').pValue).toBe(1);
  });

  it('treats an over-tolerance but non-significant drop as noise, unless significance is not required', () => {
    // 40 questions (34 answerable), 2 right→wrong: a 2/34 drop (over 0.02) with McNemar p = 0.5.
    const small = makeQuestions(40);
    const smallPipes = { rag: simulated(0.7, 2) };
    const a = makeRun({ id: 'a', questions: small, pipelines: smallPipes });
    let n = 0;
    const b = makeRun({ id: 'b', questions: small, pipelines: { rag: withChanges(smallPipes.rag, (q, _i, o) => (q.category === 'static' && o.correct && n < 2 ? (n++, { correct: false }) : undefined)) } });
    expect(n).toBe(2);
    expect(countOf(isAnswerable, small)).toBe(34);
    const lenient = evaluateGate(a, b, config());
    const em = lenient.checks.find((c) => c.threshold === 'maxExactMatchDrop')!;
    expect(em.observed).toBeCloseTo(2 / 34, 12);
    expect(lenient.checks.find((c) => c.threshold === 'maxAccuracyDrop')!.observed).toBeCloseTo(2 / 34, 12);
    expect(em.pValue).toBeCloseTo(0.5, 12);
    expect(em.status).toBe('pass');
    expect(em.message).toMatch(/not statistically significant: treated as noise/);
    expect(lenient.passed).toBe(true);

    const strict = evaluateGate(a, b, config({ requireSignificance: false }));
    expect(failed(strict)).toEqual(['rag/maxAccuracyDrop', 'rag/maxF1Drop', 'rag/maxExactMatchDrop']);
    expect(formatGateReport(lenient, 'table')).toContain('Over tolerance but not significant');
  });

  it('applies per-pipeline thresholds and null disables a check', () => {
    const current = makeRun({ id: 'cur', questions, pipelines: { ...pipelines, rag: ragWorse } });
    const r = evaluateGate(
      baseline,
      current,
      config({
        thresholds: {
          pipelines: {
            rag: { maxAccuracyDrop: 0.5, maxF1Drop: 0.5, maxExactMatchDrop: null, maxAbstentionDrop: 0.5, maxHallucinationRise: null, maxStaleRise: null, maxMissingRise: null },
            typo: {},
          },
        },
      }),
    );
    expect(r.passed).toBe(true);
    const acc = check(r, 'rag', 'maxAccuracyDrop');
    expect(acc.limit).toBe(0.5);
    expect(acc.status).toBe('pass');
    // Over the default 0.02 (which fails it in the test above), within the pipeline's 0.5.
    expect(acc.observed).toBeCloseTo(lost(isAnswerable) / 340, 12);
    expect(acc.observed!).toBeGreaterThan(0.02);
    for (const t of ['maxExactMatchDrop', 'maxHallucinationRise', 'maxStaleRise', 'maxMissingRise']) {
      expect(check(r, 'rag', t).status).toBe('skip');
      expect(check(r, 'rag', t).limit).toBeNull();
    }
    // Other pipelines keep the defaults.
    expect(check(r, 'hybrid', 'maxAccuracyDrop').limit).toBe(0.02);
    expect(check(r, 'hybrid', 'maxStaleRise').limit).toBe(0.02);
    expect(r.notes.join('\n')).toMatch(/pipeline "typo", which is in neither run/);
  });

  it('fails a planted rise in hallucination on unanswerable questions, leaving answerable accuracy alone', () => {
    // rag answers every unanswerable question it used to decline.
    const answersInstead = (q: FixtureQuestion, _i: number, o: { correct: boolean }) => (q.category === 'unanswerable' && o.correct ? { correct: false } : undefined);
    const planted = rightOf(pipelines.rag, is('unanswerable'));
    const unanswerable = countOf(is('unanswerable'));
    expect(unanswerable).toBe(60);
    expect(planted).toBeGreaterThanOrEqual(10);
    const current = makeRun({ id: 'cur', questions, pipelines: { ...pipelines, rag: withChanges(pipelines.rag, answersInstead) } });

    const r = evaluateGate(baseline, current, config());
    expect(failed(r)).toEqual(['rag/maxAbstentionDrop', 'rag/maxHallucinationRise']);
    const h = check(r, 'rag', 'maxHallucinationRise');
    expect(h.baseline).toBeCloseTo((unanswerable - planted) / unanswerable, 12);
    expect(h.current).toBe(1);
    expect(h.observed).toBeCloseTo(planted / unanswerable, 12);
    expect(h.significant).toBe(true);
    expect(h.message).toMatch(/^rag: hallucination rate rose by \d\.\d{3}, more than the allowed 0\.050 .*n=60, significant\)$/);
    expect(check(r, 'rag', 'maxAccuracyDrop').observed).toBeCloseTo(0, 12);
    expect(check(r, 'rag', 'maxF1Drop').observed).toBeCloseTo(0, 12);

    // The hallucination threshold alone catches it.
    const alone = evaluateGate(baseline, current, config({ thresholds: { default: { maxAbstentionDrop: null } } }));
    expect(failed(alone)).toEqual(['rag/maxHallucinationRise']);
    const off = evaluateGate(baseline, current, config({ thresholds: { default: { maxAbstentionDrop: null, maxHallucinationRise: null } } }));
    expect(off.passed).toBe(true);
  });

  it('fails on cost and latency ratios and on the error rate', () => {
    const current = makeRun({
      id: 'cur',
      questions,
      pipelines: {
        ...pipelines,
        'closed-book': withChanges(pipelines['closed-book'], () => ({ costUsd: 0.0002 })),
        rag: withChanges(pipelines.rag, () => ({ latencyMs: 180 })),
        hybrid: withChanges(pipelines.hybrid, (_q, i) => (i % 10 === 0 ? { error: true } : undefined)),
      },
    });
    const r = evaluateGate(baseline, current, config());
    expect(failed(r)).toEqual(expect.arrayContaining(['closed-book/maxCostRatio', 'rag/maxP95LatencyRatio', 'hybrid/maxErrorRate']));
    const cost = r.violations.find((v) => v.threshold === 'maxCostRatio')!;
    expect(cost.observed).toBeCloseTo(2, 12);
    expect(cost.message).toMatch(/cost rose 2\.00× \(\$0\.1000 → \$0\.2000 per 1k questions\), more than the allowed 1\.10×/);
    expect(r.violations.find((v) => v.threshold === 'maxP95LatencyRatio')!.message).toMatch(/p95 latency rose 1\.80× \(100 ms → 180 ms\)/);
    expect(r.violations.find((v) => v.threshold === 'maxErrorRate')!.message).toMatch(/error rate 0\.100 \(40 of 400 calls failed/);
  });

  it('skips latency with too few non-cached calls and cost with unknown prices', () => {
    const current = makeRun({ id: 'cur', questions, pipelines: { ...pipelines, rag: withChanges(pipelines.rag, (_q, i) => ({ cached: i > 5, latencyMs: 900, costUsd: null })) } });
    const r = evaluateGate(baseline, current, config());
    const lat = r.checks.find((c) => c.pipeline === 'rag' && c.threshold === 'maxP95LatencyRatio')!;
    expect(lat.status).toBe('skip');
    expect(lat.message).toMatch(/only 6 non-cached call/);
    expect(r.checks.find((c) => c.pipeline === 'rag' && c.threshold === 'maxCostRatio')!.status).toBe('skip');
  });

  it('fails when a baseline pipeline is missing, and ignores new ones', () => {
    const current = makeRun({ id: 'cur', questions, pipelines: { rag: pipelines.rag, hybrid: pipelines.hybrid, fancy: simulated(0.9, 9) } });
    const r = evaluateGate(baseline, current, config());
    expect(failed(r)).toEqual(['closed-book/present']);
    expect(r.notes.join('\n')).toMatch(/without a baseline, not gated: fancy/);
  });

  it('refuses incomparable runs with InputError (exit 2, not a regression)', () => {
    const other = makeRun({ id: 'cur', datasetHash: 'other', questions, pipelines });
    expect(() => evaluateGate(baseline, other, config())).toThrow(InputError);
  });
});

describe('freshness checks: stale over updated questions, errors left out', () => {
  const qs = (prefix: string, n: number, category: Category): FixtureQuestion[] =>
    Array.from({ length: n }, (_, i) => ({ id: `${prefix}${String(i).padStart(3, '0')}`, category }));
  const allRight: AnswerFn = () => ({ correct: true });

  it('divides stale answers by the updated questions only: 22 stale of 30 updated is 22/30, not 22/51', () => {
    const fresh = [...qs('u', 30, 'updated'), ...qs('n', 21, 'new')];
    const base = makeRun({ id: 'base', questions: fresh, pipelines: { rag: allRight } });
    // 22 updated questions now answered with the pre-update fact (the fixture's default for a wrong updated answer).
    const cur = makeRun({ id: 'cur', questions: fresh, pipelines: { rag: (q, i) => ({ correct: !(q.category === 'updated' && i < 22) }) } });
    const stale = cur.records.filter((r) => r.freshness === 'stale');
    expect(stale).toHaveLength(22);
    expect(stale.every((r) => r.category === 'updated')).toBe(true);

    expect(cur.pipelines[0]!.summary.metrics.staleRate).toEqual({ value: Number((22 / 30).toFixed(6)), n: 30, sum: 22 });
    expect(cur.pipelines[0]!.summary.metrics.missingRate).toEqual({ value: 0, n: 51, sum: 0 });
    expect(cur.statistics!.pipelines[0]!.metrics.staleRate).toMatchObject({ n: 30 });
    expect(cur.statistics!.pipelines[0]!.metrics.staleRate!.mean).toBeCloseTo(22 / 30, 12);

    // A limit between 22/51 (0.43) and 22/30 (0.73) tells the two denominators apart.
    const r = evaluateGate(base, cur, config({ thresholds: { default: { maxStaleRise: 0.5 } } }));
    const s = check(r, 'rag', 'maxStaleRise');
    expect(s.baseline).toBe(0);
    expect(s.current).toBeCloseTo(22 / 30, 12);
    expect(s.observed).toBeCloseTo(22 / 30, 12);
    expect(s.status).toBe('fail');
    expect(s.message).toMatch(/^rag: stale-answer rate rose by 0\.733, more than the allowed 0\.500 .*n=30, significant\)$/);
    expect(check(r, 'rag', 'maxMissingRise').observed).toBeCloseTo(0, 12);
  });

  it('leaves failed calls out of the stale and missing rates (they count as errors)', () => {
    // 34 updated: 22 stale, 4 failed, 8 current. 24 new: 3 failed, 7 abstained (missing), 14 current.
    const fresh = [...qs('u', 34, 'updated'), ...qs('n', 24, 'new')];
    const answer: AnswerFn = (q) => {
      const i = Number(q.id.slice(1));
      if (q.category === 'updated') return i < 22 ? { correct: false } : i < 26 ? { correct: true, error: true } : { correct: true };
      return i < 3 ? { correct: false, error: true } : i < 10 ? { correct: false } : { correct: true };
    };
    const base = makeRun({ id: 'base', questions: fresh, pipelines: { rag: allRight } });
    const cur = makeRun({ id: 'cur', questions: fresh, pipelines: { rag: answer } });
    const failedRecords = cur.records.filter((r) => r.error !== null);
    expect(failedRecords).toHaveLength(7);
    expect(failedRecords.every((r) => r.freshness === 'error' && !r.abstained && !r.hallucinated)).toBe(true);

    const m = cur.pipelines[0]!.summary.metrics;
    expect(m.staleRate).toMatchObject({ n: 30, sum: 22 });
    expect(m.staleRate!.value).toBeCloseTo(22 / 30, 6);
    expect(m.missingRate).toMatchObject({ n: 51, sum: 7 });
    expect(m.missingRate!.value).toBeCloseTo(7 / 51, 6);
    expect(m.errorRate).toMatchObject({ n: 58, sum: 7 });
    // Failed calls still count as wrong answers.
    expect(m.accuracy).toMatchObject({ n: 58, sum: 22 });

    const r = evaluateGate(base, cur, config({ thresholds: { default: { maxStaleRise: 0.5 } } }));
    const s = check(r, 'rag', 'maxStaleRise');
    expect(s.observed).toBeCloseTo(22 / 30, 12);
    expect(s.message).toMatch(/n=30/);
    const miss = check(r, 'rag', 'maxMissingRise');
    expect(miss.observed).toBeCloseTo(7 / 51, 12);
    expect(miss.message).toMatch(/n=51/);
    expect(miss.status).toBe('fail');
    const err = check(r, 'rag', 'maxErrorRate');
    expect(err.observed).toBeCloseTo(7 / 58, 12);
    expect(err.message).toMatch(/7 of 58 calls failed/);
  });
});

/**
 * Minimal XML well-formedness check: balanced, properly nested tags; quoted attributes; no raw
 * `<` or `&` outside markup and entities. Returns the element names in document order.
 */
function parseXml(xml: string): string[] {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const names: string[] = [];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = token.exec(body))) {
    pos = token.lastIndex;
    const [, close, name, attrs, selfClose, text] = m;
    const raw = text ?? attrs ?? '';
    if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(raw)) throw new Error(`unescaped & in ${JSON.stringify(raw)}`);
    if (text !== undefined) continue;
    if (close) {
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
    } else {
      names.push(name!);
      if (!selfClose) stack.push(name!);
    }
  }
  if (pos !== body.length) throw new Error(`unparsed XML at ${pos}: ${body.slice(pos, pos + 40)}`);
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return names;
}

describe('reports', () => {
  const current = makeRun({ id: 'cur', questions, pipelines: { ...pipelines, rag: ragWorse } });
  const r = evaluateGate(baseline, current, config({ thresholds: { pipelines: { hybrid: { maxCostRatio: null } } } }), { labels: { a: 'base & "main".json', b: 'cur<1>.json' } });

  it('writes well-formed JUnit XML: one test case per pipeline and threshold', () => {
    const xml = toJUnitXml(r);
    const names = parseXml(xml);
    expect(names.filter((n) => n === 'testcase')).toHaveLength(r.checks.length);
    expect(names.filter((n) => n === 'failure')).toHaveLength(r.violations.length);
    // hybrid's cost check is switched off; no run has restricted questions (3 leak checks).
    expect(names.filter((n) => n === 'skipped')).toHaveLength(4);
    expect(xml).toMatch(/<testsuites name="ragvft gate" tests="33" failures="\d+" errors="0" skipped="4">/);
    expect(xml.match(/<\/testsuite>/g)).toHaveLength(1);
    expect(xml).toContain('<testcase classname="ragvft.gate.rag" name="maxF1Drop" time="0">');
    expect(xml).toContain('<testcase classname="ragvft.gate.rag" name="maxHallucinationRise" time="0">');
    expect(xml).toContain('<failure message="rag: accuracy dropped by');
  });

  it('has a checker that really rejects malformed XML', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/mismatched/);
    expect(() => parseXml('<a>x & y</a>')).toThrow(/unescaped &/);
    expect(() => parseXml('<a b="1 < 2"/>')).toThrow(/unparsed/);
    expect(() => parseXml('<a>')).toThrow(/unclosed/);
    expect(parseXml('<a b="&amp;">x &lt; y<c/></a>')).toEqual(['a', 'c']);
  });

  it('escapes XML specials and drops characters XML cannot hold', () => {
    expect(xmlEscape(`a<b>&"c"'d'\u0001\u0007e\n`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;e\n');
    const tricky = { ...r, checks: r.checks.map((c) => ({ ...c, message: `${c.message} <x> & "y" \u0000` })) };
    tricky.violations = tricky.checks.filter((c) => c.status === 'fail');
    expect(() => parseXml(toJUnitXml(tricky))).not.toThrow();
  });

  it('renders Markdown with a table header, verdict and violations', () => {
    const md = formatGateReport(r, 'md');
    expect(md).toMatch(/^## ragvft gate: ❌ FAILED: \d+ threshold\(s\) violated/);
    expect(md).toContain('| Pipeline | Check | Limit | Before | After | Change | 95% CI of change | Result |\n|---|---|---|---|---|---|---|---|\n');
    expect(md).toContain('base &amp; "main".json');
    expect(md).toContain('cur&lt;1&gt;.json');
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows).toHaveLength(1 + r.checks.length);
    expect(md).toMatch(/\*\*Violations\*\*\n\n- rag: accuracy dropped by/);
  });

  it('renders a terminal table with the verdict last', () => {
    const text = formatGateReport(r, 'table');
    expect(text).toContain('Violations:');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^FAILED: \d+ threshold\(s\) violated \(33 checks/);
  });
});
