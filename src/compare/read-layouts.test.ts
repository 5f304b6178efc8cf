import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultSchema, ResultSummarySchema } from '../results/schema.js';
import { resolveLayout, STREAM_ABOVE, writeResult } from '../results/write.js';
import { compareRuns } from './compare.js';
import { fillFlipAnswers } from './flip-answers.js';
import { loadResultView, openResult, readResultFile } from './read.js';
import { makeQuestions, makeRun, simulated } from './test-fixtures.js';

const run = makeRun({ questions: makeQuestions(40), pipelines: { 'closed-book': simulated(0.2, 1, { answer: 'an answer' }), rag: simulated(0.7, 2) } });
const dir = () => mkdtempSync(join(tmpdir(), 'ragvft-layout-'));

describe('result layouts', () => {
  it('jsonl: a summary document without records beside a records file, latest.json the same summary', async () => {
    const out = dir();
    const path = await writeResult(run, out, { layout: 'jsonl' });
    const summary = ResultSummarySchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    expect(summary).not.toHaveProperty('records');
    expect(summary.recordsFile).toMatchObject({ path: 'run-1.records.jsonl', count: run.records.length });
    expect(readFileSync(join(out, 'run-1.records.jsonl'), 'utf8').trim().split('\n')).toHaveLength(run.records.length);
    expect(readFileSync(join(out, 'latest.json'), 'utf8')).toBe(readFileSync(path, 'utf8'));
  });

  it.each(['single', 'jsonl'] as const)('%s: read whole, read lean, and streamed record by record', async (layout) => {
    const path = await writeResult(run, dir(), { layout });
    expect(await readResultFile(path)).toEqual(run);
    const source = await openResult(path);
    expect(source).toMatchObject({ layout, count: run.records.length });
    const streamed = [];
    for await (const r of source.records()) streamed.push(r);
    expect(streamed).toEqual(run.records);
    const { view } = await loadResultView(path);
    expect(view.records.map((r) => [r.pipeline, r.questionId, r.correct])).toEqual(run.records.map((r) => [r.pipeline, r.questionId, r.correct]));
    // Streamed results are held lean: no answer text or retrieved ids.
    if (layout === 'jsonl') expect(view.records.every((r) => !('answer' in r) && !('retrievedDocIds' in r))).toBe(true);
  });

  it('the committed single-file baseline (schema 2.x) still loads', async () => {
    const { view, source } = await loadResultView('results/baseline/aurelia-offline.json');
    expect(source.layout).toBe('single');
    expect(view.records.length).toBe(ResultSchema.parse(JSON.parse(readFileSync('results/baseline/aurelia-offline.json', 'utf8'))).records.length);
  });

  it('a bad record is refused with the records file, line and field', async () => {
    const path = await writeResult(run, dir(), { layout: 'jsonl' });
    const recs = path.replace(/\.json$/, '.records.jsonl');
    const lines = readFileSync(recs, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"correct":', '"correct":"yes","was":');
    writeFileSync(recs, lines.join('\n'));
    await expect(readResultFile(path)).rejects.toThrow(/run-1\.records\.jsonl, line 3, field "correct"/);
  });

  it('a records file edited after its summary was written is refused (sha256)', async () => {
    const path = await writeResult(run, dir(), { layout: 'jsonl' });
    const recs = path.replace(/\.json$/, '.records.jsonl');
    writeFileSync(recs, readFileSync(recs, 'utf8').replace('an answer', 'an answeR'));
    await expect(readResultFile(path)).rejects.toThrow(/does not match the sha256 its summary records/);
  });

  it('a missing records file, or a record of an unlisted pipeline, is refused', async () => {
    const out = dir();
    const path = await writeResult(run, out, { layout: 'jsonl' });
    const recs = path.replace(/\.json$/, '.records.jsonl');
    const text = readFileSync(recs, 'utf8');
    writeFileSync(recs, text.replaceAll('"pipeline":"rag"', '"pipeline":"ragg"'));
    await expect(readResultFile(path)).rejects.toThrow(/line \d+, field "pipeline": pipeline "ragg" is not listed/);
    writeFileSync(recs, text);
    expect(existsSync(recs)).toBe(true);
    (await import('node:fs')).rmSync(recs);
    await expect(readResultFile(path)).rejects.toThrow(/records file not found/);
  });

  it('compare of lean views lists flipped questions with their answers from the records file', async () => {
    const b = makeRun({ id: 'run-2', questions: makeQuestions(40), pipelines: { 'closed-book': simulated(0.6, 9, { answer: 'another' }), rag: simulated(0.7, 2) } });
    const [pa, pb] = [await writeResult(run, dir(), { layout: 'jsonl' }), await writeResult(b, dir(), { layout: 'jsonl' })];
    const [la, lb] = [await loadResultView(pa), await loadResultView(pb)];
    const lean = compareRuns(la.view, lb.view);
    await fillFlipAnswers(lean, { a: la.source, b: lb.source });
    expect(lean.flips.length).toBeGreaterThan(0);
    expect(lean).toEqual(compareRuns(run, b));
  });

  it('auto writes one document up to STREAM_ABOVE records, the jsonl layout above', () => {
    expect(resolveLayout('auto', STREAM_ABOVE)).toBe('single');
    expect(resolveLayout(undefined, STREAM_ABOVE + 1)).toBe('jsonl');
    expect(resolveLayout('single', STREAM_ABOVE + 1)).toBe('single');
    expect(resolveLayout('jsonl', 1)).toBe('jsonl');
  });
});
