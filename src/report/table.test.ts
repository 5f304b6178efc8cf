/** The bench's terminal tables: the headline of the default view, and the footnotes of the details. */
import { describe, expect, it } from 'vitest';
import { makeQuestions, makeRun, simulated } from '../compare/test-fixtures.js';
import type { RunResult } from '../results/schema.js';
import { formatHeadline, formatNotes, formatSummaryTable } from './table.js';

const questions = makeQuestions(40);
const run = () => makeRun({ questions, pipelines: { 'closed-book': simulated(0.3, 1), rag: simulated(0.7, 2), hybrid: simulated(0.8, 3) } });
const width = (text: string) => Math.max(...text.split('\n').map((l) => l.length));
const pct = (x: number) => (100 * x).toFixed(1);
/** The cells of `name`'s row (columns are two or more spaces apart). */
const row = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(`${name} `))!.trimEnd().split(/ {2,}/);

describe('formatHeadline', () => {
  const mixed = makeRun({
    questions,
    pipelines: { 'closed-book': simulated(0.3, 1, { cpuMs: 4 }), rag: simulated(0.7, 2, { cpuMs: 12, recall: 1 }), api: simulated(0.9, 3, { costUsd: 0.0002 }) },
    models: { api: 'openai:gpt-4o-mini' },
  });

  it('gives one row per pipeline: accuracy with its CI, abstention, stale count, p50, cost per 1k and recall', () => {
    const text = formatHeadline(mixed);
    expect(text.split('\n')[0]!.split(/ {2,}/)).toEqual(['pipeline', 'acc % [95% CI]', 'abstain %', 'stale', 'p50', 'cost/1k q', 'R@5 %']);
    for (const p of mixed.pipelines) {
      const s = p.summary;
      const ci = mixed.statistics.pipelines.find((x) => x.name === p.name)!.metrics.accuracy!;
      const [, acc, abstain, stale] = row(text, p.name);
      expect(acc).toBe(`${pct(s.metrics.accuracy!.value!)} [${pct(ci.lo)}, ${pct(ci.hi)}]`);
      expect(abstain).toBe(pct(s.metrics.abstentionAccuracy!.value!));
      expect(stale).toBe(`${s.metrics.staleRate!.sum}/${s.metrics.staleRate!.n}`);
    }
    expect(row(text, 'rag').slice(4)).toEqual(['100ms', '12.0 CPU s', '100.0']);
    expect(row(text, 'closed-book').slice(4)).toEqual(['100ms', '4.00 CPU s', '–']);
    // A priced model: inference USD per 1,000 questions (0.0002 each).
    expect(row(text, 'api')[5]).toBe('$0.20');
    expect(width(text)).toBeLessThanOrEqual(100);
  });

  it('says what the columns count, and what CPU s is with the training time of each local fine-tune', () => {
    const r = makeRun({ questions, pipelines: { rag: simulated(0.7, 2, { cpuMs: 3 }), tuned: simulated(0.5, 4, { cpuMs: 1 }) }, models: { tuned: 'local:ft-paraphrase' }, fineTuning: { tuned: { usd: 0, seconds: 6.25 } } });
    const notes = formatHeadline(r).split('\n').slice(2 + r.pipelines.length).join(' ').replace(/\s+/g, ' ');
    expect(notes).toContain('acc: answerable questions right under the lenient scorer (95% bootstrap CI); abstain: unanswerable questions declined; stale: updated questions answered with the pre-update value.');
    expect(notes).toContain('CPU s: local models have no token price; CPU seconds of their computation per 1,000 questions (training: local:ft-paraphrase 6.25 s).');
  });

  it('drops the CI when long pipeline names would take the table past 100 columns', () => {
    const name = 'a-pipeline-name-of-forty-characters-long';
    const r = makeRun({ questions, pipelines: { [name]: simulated(0.7, 2) } });
    const text = formatHeadline(r);
    expect(text.split('\n')[0]!.split(/ {2,}/)[1]).toBe('acc %');
    expect(row(text, name)[1]).toBe(pct(r.pipelines[0]!.summary.metrics.accuracy!.value!));
    expect(width(text)).toBeLessThanOrEqual(100);
    expect(text).not.toContain('bootstrap CI');
  });

  it('notes failed calls, cached answers (no p50 when none was timed) and warnings, a few at most', () => {
    const r = makeRun({ questions, pipelines: { rag: simulated(0.7, 2, { cached: true }), api: (q, i) => ({ correct: true, error: i < 3 }) } });
    r.run.warnings = ['w1', 'w2', 'w3', 'w4', 'w5'];
    const text = formatHeadline(r);
    expect(row(text, 'rag')[4]).toBe('–');
    expect(text).toContain('failed calls (counted wrong): api 3/40 (timeout 3).');
    expect(text).toContain('40 answers came from the response cache; latency percentiles use the 40 measured calls only.');
    expect(text).toMatch(/\nwarning: w1\nwarning: w2\nand 3 more warning\(s\): see --details$/);
    expect(formatHeadline(run())).not.toMatch(/failed calls|response cache|warning/);
  });
});

describe('the details', () => {
  it('keep every summary figure the headline leaves out: F1, hallucination, missing, errors, p95', () => {
    const r: RunResult = run();
    const text = formatSummaryTable(r);
    expect(text.split('\n')[0]!.split(/ {2,}/)).toEqual(['pipeline', 'acc %', 'F1 %', 'abstain%', 'halluc%', 'stale', 'missing', 'err', 'p50', 'p95', 'cost/1k q']);
    const s = r.pipelines[1]!.summary;
    expect(row(text, 'rag').slice(2, 8)).toEqual([pct(s.metrics.strictF1!.value!), pct(s.metrics.abstentionAccuracy!.value!), pct(s.metrics.hallucinationRate!.value!), `${s.metrics.staleRate!.sum}/${s.metrics.staleRate!.n}`, `${s.metrics.missingRate!.sum}/${s.metrics.missingRate!.n}`, '0']);
  });
});

describe('formatNotes: cached query embeddings', () => {
  it('names the pipelines whose query embeddings came from the embedding cache, beside cached answers', () => {
    const r = run();
    r.pipelines.find((p) => p.name === 'hybrid')!.summary.cachedEmbeddings = 20;
    r.pipelines.find((p) => p.name === 'rag')!.summary.cachedEmbeddings = 3;
    const notes = formatNotes(r);
    expect(notes.replace(/\n\s*/g, ' ')).toContain('query embeddings from the embedding cache: rag 3, hybrid 20; embed-stage latency (stageLatencyMs.embed) counts computed ones only.');
    expect(notes.split('\n').every((l) => l.length <= 100)).toBe(true);
  });

  it('says nothing when every query embedding was computed', () => {
    expect(formatNotes(run())).not.toContain('embedding cache');
  });
});
