import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../util/errors.js';
import { compareRuns } from './compare.js';
import { formatComparison } from './format.js';
import { readResultFile } from './read.js';
import { makeQuestions, makeRun, simulated, withChanges } from './test-fixtures.js';

const questions = makeQuestions(200);
const baseline = makeRun({ id: 'a', questions, pipelines: { 'closed-book': simulated(0.3, 1), rag: simulated(0.7, 2) } });

/** rag turns every 4th right answer wrong (and says "Lyon | <b>" instead). */
const regressed = makeRun({
  id: 'b',
  questions,
  pipelines: {
    'closed-book': simulated(0.3, 1),
    rag: withChanges(simulated(0.7, 2), (_q, i, o) => (o.correct && i % 4 === 0 ? { correct: false, answer: 'Lyon | <b>' } : undefined)),
  },
});

function expectInputError(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected an InputError');
}

describe('compareRuns: comparability', () => {
  it('refuses runs of a different dataset', () => {
    const other = makeRun({ id: 'b', datasetHash: 'dataset-hash-2', questions, pipelines: { rag: simulated(0.7, 2) } });
    expectInputError(() => compareRuns(baseline, other), /not comparable: dataset hashes differ.*--force/);
  });

  it('refuses runs with different question ids, naming some of them', () => {
    const other = makeRun({ id: 'b', questions: questions.slice(0, 190), pipelines: { rag: simulated(0.7, 2) } });
    expectInputError(() => compareRuns(baseline, other), /question ids differ: 10 only in a \(q0190, q0191, q0192, q0193, q0194, …\)/);
  });

  it('refuses an incompatible schema major version, even with --force', () => {
    const v3 = { ...regressed, schemaVersion: '3.0' };
    expectInputError(() => compareRuns(baseline, v3), /schema version 3\.0 of b is incompatible/);
    expectInputError(() => compareRuns(baseline, v3, { force: true }), /--force cannot override/);
  });

  it('notes a compatible minor version difference', () => {
    const c = compareRuns(baseline, { ...regressed, schemaVersion: '2.9' });
    expect(c.notes.join('\n')).toMatch(/minor/);
    expect(c.forced).toBe(false);
  });

  it('refuses a run whose pipeline lacks records (a partial run) unless --force', () => {
    const half = { ...regressed, records: regressed.records.filter((r) => r.pipeline !== 'rag' || Number(r.questionId.slice(1)) % 2 === 0) };
    expectInputError(() => compareRuns(baseline, half), /pipeline rag lacks records for 100 of the 200 questions in b/);
    const forced = compareRuns(baseline, half, { force: true });
    expect(forced.forced).toBe(true);
    expect(forced.pipelines.find((p) => p.pipeline === 'rag')!.questions).toBe(100);
  });

  it('refuses runs scored by different primary scorers unless --force', () => {
    const judged = { ...regressed, run: { ...regressed.run, scoring: { primary: 'strict' as const, judge: null } } };
    expectInputError(() => compareRuns(baseline, judged), /primary scorers differ \(lenient in a, strict in b\)/);
    expect(compareRuns(baseline, judged, { force: true }).forced).toBe(true);
  });

  it('with --force compares the common questions only and says so', () => {
    const other = makeRun({ id: 'b', datasetHash: 'dataset-hash-2', questions: [...questions.slice(50), ...makeQuestions(5, 'x')], pipelines: { rag: simulated(0.7, 2) } });
    const c = compareRuns(baseline, other, { force: true });
    expect(c.forced).toBe(true);
    expect(c.questions).toEqual({ common: 150, onlyA: 50, onlyB: 5 });
    expect(c.notes[0]).toMatch(/^Forced comparison of 150 common questions only: dataset hashes differ.*question ids differ/);
    expect(c.pipelines.find((p) => p.pipeline === 'rag')!.questions).toBe(150);
    expect(c.removed).toEqual(['closed-book']);
    expect(formatComparison(c, 'md')).toContain('> **Warning:** Forced comparison');
  });

  it('lists pipelines present in one run only as added/removed', () => {
    const b = makeRun({ id: 'b', questions, pipelines: { rag: simulated(0.7, 2), hybrid: simulated(0.8, 3) } });
    const c = compareRuns(baseline, b);
    expect(c.added).toEqual(['hybrid']);
    expect(c.removed).toEqual(['closed-book']);
    expect(c.pipelines.map((p) => p.pipeline)).toEqual(['rag']);
  });
});

describe('compareRuns: metrics and flips', () => {
  const c = compareRuns(baseline, regressed, { labels: { a: 'a.json', b: 'b.json' } });
  const rag = c.pipelines.find((p) => p.pipeline === 'rag')!;
  const closed = c.pipelines.find((p) => p.pipeline === 'closed-book')!;

  it('reports A, B, delta, paired CI and significance', () => {
    expect(rag.metrics.strictF1!.a).toBeCloseTo(baseline.pipelines[1]!.summary.metrics.strictF1!.value!, 5);
    expect(rag.metrics.strictF1!.b).toBeCloseTo(regressed.pipelines[1]!.summary.metrics.strictF1!.value!, 5);
    expect(rag.metrics.strictF1!.delta).toBeLessThan(-0.1);
    expect(rag.metrics.strictF1!.hi).toBeLessThan(0);
    expect(rag.metrics.strictF1!.significant).toBe(true);
    expect(rag.metrics.accuracy!.pValue).toBeLessThan(0.001);
    expect(rag.metrics.accuracy!.significant).toBe(true);
    expect(rag.metrics.staleRate!.delta).toBeGreaterThan(0);
    // Unchanged pipeline: zero change, not significant.
    expect(closed.metrics.strictF1).toMatchObject({ delta: 0, lo: 0, hi: 0, significant: false });
    expect(closed.metrics.accuracy!.pValue).toBe(1);
  });

  it('compares latency and cost as ratios', () => {
    expect(rag.latencyMs.p95).toEqual({ a: 100, b: 100, ratio: 1 });
    expect(rag.latencyMs.nonCachedCalls).toEqual({ a: 200, b: 200 });
    expect(rag.costUsd.perThousandQuestions.ratio).toBeCloseTo(1, 12);
    expect(c.notes.join('\n')).toMatch(/non-cached calls only/);
  });

  it('is deterministic', () => {
    expect(compareRuns(baseline, regressed, { labels: { a: 'a.json', b: 'b.json' } })).toEqual(c);
  });

  it('finds flipped questions, grouped by category, with both answers', () => {
    const all = c.flips.flatMap((g) => g.flips);
    expect(all.length).toBe(rag.flips['right-to-wrong']);
    expect(all.every((f) => f.pipeline === 'rag' && f.kinds.includes('right-to-wrong'))).toBe(true);
    expect(c.flips.map((g) => g.category)).toEqual(['static', 'updated', 'new', 'unanswerable'].filter((cat) => all.some((f) => f.category === cat)));
    const updated = c.flips.find((g) => g.category === 'updated')!.flips[0]!;
    expect(updated.kinds).toEqual(['right-to-wrong', 'current-to-stale']);
    expect(updated.a.answer).toBe(`right answer ${updated.questionId}`);
    expect(updated.b.answer).toBe('Lyon | <b>');
    expect(rag.flips['current-to-stale']).toBeGreaterThan(0);
  });

  it('detects wrong→right flips the other way round', () => {
    const back = compareRuns(regressed, baseline);
    const r = back.pipelines.find((p) => p.pipeline === 'rag')!;
    expect(r.flips['wrong-to-right']).toBe(rag.flips['right-to-wrong']);
    expect(r.flips['right-to-wrong']).toBe(0);
  });

  it('renders Markdown with a table header and escaped answers', () => {
    const md = formatComparison(c, 'md');
    expect(md).toMatch(/^## ragvft compare/);
    expect(md).toMatch(/\n\| Pipeline \| Metric \| A \| B \| Δ \/ ratio \| 95% CI of Δ \| Significant \|\n\|---\|---\|---\|---\|---\|---\|---\|\n/);
    // Every table row has the header's column count (escaped pipes do not split cells).
    for (const table of md.split('\n\n').filter((b) => b.startsWith('| '))) {
      const rows = table.split('\n');
      const cols = (row: string) => row.split(/(?<!\\)\|/).length;
      for (const row of rows) expect(cols(row)).toBe(cols(rows[0]!));
    }
    expect(md).toContain('Lyon \\| &lt;b&gt;');
    expect(md).toContain('<details>');
  });

  it('renders a terminal table and parseable JSON', () => {
    const text = formatComparison(c, 'table', { maxFlipsPerCategory: 2 });
    expect(text).toContain('Pipeline rag: 200 questions');
    expect(text).toMatch(/F1 \(strict\)\s+\d\.\d{3}\s+\d\.\d{3}\s+-0\.\d{3}/);
    expect(text.indexOf('Accuracy ')).toBeLessThan(text.indexOf('F1 (strict)'));
    expect(text).toMatch(/… and \d+ more/);
    expect(JSON.parse(formatComparison(c, 'json'))).toEqual(JSON.parse(JSON.stringify(c)));
  });
});

describe('readResultFile', () => {
  const dirs: string[] = [];
  async function tmpFile(content: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'ragvft-read-'));
    dirs.push(dir);
    const file = join(dir, 'result.json');
    await writeFile(file, content);
    return file;
  }
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('reads a valid result', async () => {
    const file = await tmpFile(JSON.stringify(baseline));
    expect(await readResultFile(file)).toEqual(baseline);
  });

  it('names the file and field of a problem', async () => {
    await expect(readResultFile('/nonexistent/ragvft.json')).rejects.toThrow(/ragvft\.json: file not found/);
    await expect(readResultFile(await tmpFile('{ nope'))).rejects.toThrow(/result\.json: malformed JSON/);
    const bad = structuredClone(baseline) as unknown as { records: { correct: unknown }[] };
    bad.records[3]!.correct = 'high';
    await expect(readResultFile(await tmpFile(JSON.stringify(bad)))).rejects.toThrow(/field "records\.3\.correct"/);
    await expect(readResultFile(await tmpFile(JSON.stringify({ ...baseline, schemaVersion: '3.0' })))).rejects.toThrow(/schema version 3\.0 is incompatible/);
  });

  it('refuses a 1.x result with a message saying why and what to do', async () => {
    await expect(readResultFile(await tmpFile(JSON.stringify({ ...baseline, schemaVersion: '1.0' })))).rejects.toThrow(
      /result\.json, field "schemaVersion": result schema 1\.0 was written before ragvft 2\.0 changed how answers are scored.*rerun the benchmark/,
    );
    await expect(readResultFile(await tmpFile('{"hello": 1}'))).rejects.toThrow(/field "schemaVersion": is missing/);
  });

  it('rejects duplicate records and records of unlisted pipelines', async () => {
    const dup = { ...baseline, records: [...baseline.records, baseline.records[0]] };
    await expect(readResultFile(await tmpFile(JSON.stringify(dup)))).rejects.toThrow(/duplicate record for question "q0000"/);
    const stray = { ...baseline, pipelines: baseline.pipelines.slice(1) };
    await expect(readResultFile(await tmpFile(JSON.stringify(stray)))).rejects.toThrow(/pipeline "closed-book" is not listed/);
  });
});
