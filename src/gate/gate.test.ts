import { describe, expect, it } from 'vitest';
import { makeQuestions, makeRun, simulated, withChanges } from '../compare/test-fixtures.js';
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

describe('evaluateGate', () => {
  it('passes an identical rerun', () => {
    const rerun = makeRun({ id: 'rerun', questions, pipelines });
    const r = evaluateGate(baseline, rerun, config());
    expect(r.passed).toBe(true);
    expect(r.checks).toHaveLength(3 * THRESHOLD_NAMES.length);
    expect(r.checks.every((c) => c.status === 'pass')).toBe(true);
  });

  it('fails a planted regression: F1 dropped substantially on many questions', () => {
    // rag loses every third right answer: about -0.23 F1.
    const current = makeRun({ id: 'cur', questions, pipelines: { ...pipelines, rag: withChanges(pipelines.rag, (_q, i, o) => (o.correct && i % 3 === 0 ? { correct: false } : undefined)) } });
    const r = evaluateGate(baseline, current, config());
    expect(r.passed).toBe(false);
    expect(failed(r)).toEqual(expect.arrayContaining(['rag/maxF1Drop', 'rag/maxExactMatchDrop', 'rag/maxStaleRise']));
    expect(failed(r).every((f) => f.startsWith('rag/'))).toBe(true);
    const f1 = r.violations.find((v) => v.threshold === 'maxF1Drop')!;
    expect(f1.observed).toBeGreaterThan(0.15);
    expect(f1.significant).toBe(true);
    expect(f1.message).toMatch(/^rag: F1 dropped by 0\.\d{3}, more than the allowed 0\.020 \(0\.\d{3} → 0\.\d{3}, -0\.\d{3}; 95% CI \[-0\.\d{3}, -0\.\d{3}\], significant\)$/);
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
    expect(r.passed).toBe(true);
    const f1 = r.checks.find((c) => c.pipeline === 'rag' && c.threshold === 'maxF1Drop')!;
    expect(f1.observed).toBeCloseTo(1 / 400, 12);
  });

  it('treats an over-tolerance but non-significant drop as noise, unless significance is not required', () => {
    // 40 questions, 2 right→wrong: a 0.05 drop (over 0.02) with McNemar p = 0.5.
    const small = makeQuestions(40);
    const smallPipes = { rag: simulated(0.7, 2) };
    const a = makeRun({ id: 'a', questions: small, pipelines: smallPipes });
    let n = 0;
    const b = makeRun({ id: 'b', questions: small, pipelines: { rag: withChanges(smallPipes.rag, (q, _i, o) => (q.category === 'static' && o.correct && n < 2 ? (n++, { correct: false }) : undefined)) } });
    const lenient = evaluateGate(a, b, config());
    const em = lenient.checks.find((c) => c.threshold === 'maxExactMatchDrop')!;
    expect(em.observed).toBeCloseTo(0.05, 12);
    expect(em.pValue).toBeCloseTo(0.5, 12);
    expect(em.status).toBe('pass');
    expect(em.message).toMatch(/not statistically significant: treated as noise/);
    expect(lenient.passed).toBe(true);

    const strict = evaluateGate(a, b, config({ requireSignificance: false }));
    expect(failed(strict)).toEqual(['rag/maxF1Drop', 'rag/maxExactMatchDrop']);
    expect(formatGateReport(lenient, 'table')).toContain('Over tolerance but not significant');
  });

  it('applies per-pipeline thresholds and null disables a check', () => {
    const current = makeRun({ id: 'cur', questions, pipelines: { ...pipelines, rag: withChanges(pipelines.rag, (_q, i, o) => (o.correct && i % 3 === 0 ? { correct: false } : undefined)) } });
    const r = evaluateGate(
      baseline,
      current,
      config({ thresholds: { pipelines: { rag: { maxF1Drop: 0.5, maxExactMatchDrop: null, maxStaleRise: null, maxMissingRise: null }, typo: {} } } }),
    );
    expect(r.passed).toBe(true);
    expect(r.checks.find((c) => c.pipeline === 'rag' && c.threshold === 'maxExactMatchDrop')!.status).toBe('skip');
    expect(r.notes.join('\n')).toMatch(/pipeline "typo", which is in neither run/);
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
  const current = makeRun({ id: 'cur', questions, pipelines: { ...pipelines, rag: withChanges(pipelines.rag, (_q, i, o) => (o.correct && i % 3 === 0 ? { correct: false } : undefined)) } });
  const r = evaluateGate(baseline, current, config({ thresholds: { pipelines: { hybrid: { maxCostRatio: null } } } }), { labels: { a: 'base & "main".json', b: 'cur<1>.json' } });

  it('writes well-formed JUnit XML: one test case per pipeline and threshold', () => {
    const xml = toJUnitXml(r);
    const names = parseXml(xml);
    expect(names.filter((n) => n === 'testcase')).toHaveLength(r.checks.length);
    expect(names.filter((n) => n === 'failure')).toHaveLength(r.violations.length);
    expect(names.filter((n) => n === 'skipped')).toHaveLength(1);
    expect(xml).toMatch(/<testsuites name="ragvft gate" tests="21" failures="\d+" errors="0" skipped="1">/);
    expect(xml.match(/<\/testsuite>/g)).toHaveLength(1);
    expect(xml).toContain('<testcase classname="ragvft.gate.rag" name="maxF1Drop" time="0">');
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
    expect(md).toContain('| Pipeline | Check | Limit | Baseline | Current | Observed | Paired change (95%) | Result |\n|---|---|---|---|---|---|---|---|\n');
    expect(md).toContain('base &amp; "main".json');
    expect(md).toContain('cur&lt;1&gt;.json');
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows).toHaveLength(1 + r.checks.length);
    expect(md).toMatch(/\*\*Violations\*\*\n\n- rag: F1 dropped by/);
  });

  it('renders a terminal table with the verdict last', () => {
    const text = formatGateReport(r, 'table');
    expect(text).toContain('Violations:');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^FAILED: \d+ threshold\(s\) violated \(21 checks/);
  });
});
