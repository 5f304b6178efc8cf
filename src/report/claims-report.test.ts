import { describe, expect, it } from 'vitest';
import { buildRunReport } from '../claims/report.js';
import { CLAIMS } from '../claims/registry.js';
import { makeQuestions, makeRun, simulated } from '../compare/test-fixtures.js';
import { formatRunReportJson, formatRunReportMarkdown, formatRunReportTable } from './claims-report.js';
import { formatClaimsSummary } from './claims-table.js';

const long = 'fine-tuned-on-paraphrases-v2';
const config = {
  pipelines: [
    { name: 'closed-book', retrieval: false },
    { name: 'rag', retrieval: true },
    { name: long, retrieval: false },
    { name: 'hybrid', retrieval: true },
  ],
  finetune: { 'ft-paraphrase': { data: 'paraphrase' } },
};
const models = { 'closed-book': 'local:reader', rag: 'local:reader', [long]: 'local:ft-paraphrase', hybrid: 'local:ft-paraphrase' };
// Questions asked from 1 month to 12 years after the 2024-01-01 cutoff: every month bucket.
const dates = ['2024-02-01', '2024-05-01', '2024-09-01', '2025-06-01', '2027-01-01', '2030-01-01', '2036-01-01'];
const questions = makeQuestions(140).map((q, i) => ({ ...q, asOf: dates[i % dates.length] }));
const timeline = { atCutoff: { documents: 10, tokens: 5000, chunks: 20 }, changes: [{ date: '2025-01-20', documents: 2, tokens: 600, chunks: 4 }] };
const runOf = () => ({
  questions,
  pipelines: { 'closed-book': simulated(0.1, 1), rag: simulated(0.8, 2, { stages: { embed: 2, search: 1 } }), [long]: simulated(0.6, 3), hybrid: simulated(0.85, 4) },
  models,
  config,
  run: { corpusTimeline: timeline, finetunes: { 'local:ft-paraphrase': { trainingTokens: 4000, epochs: 2 } } },
});
const result = makeRun(runOf());
const width = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

describe('ragvft report as text', () => {
  const report = buildRunReport(result, 'run.json');
  const table = formatRunReportTable(report);

  it('fits 100 columns with long pipeline names and seven month buckets', () => {
    expect(report.overTime!.buckets).toHaveLength(7);
    expect(width(table)).toBeLessThanOrEqual(100);
  });

  it('gives one line per claim, the scale note once, then the evidence, freshness over time and keep-fresh costs', () => {
    const lines = table.split('\n');
    const start = lines.indexOf('Claims') + 1;
    const claimLines = lines.slice(start, start + CLAIMS.length);
    expect(claimLines.map((l) => CLAIMS.find((c) => l.includes(` ${c.id} `))?.id)).toEqual(CLAIMS.map((c) => c.id));
    expect(table.match(/tested on this project's small local models/g)).toHaveLength(1);
    expect(table).toMatch(/\nEvidence\n {2}rag-fresh-after-cutoff: stale on updated:/);
    expect(table).toMatch(/Freshness over time: months from the training cutoff \(2024-01-01\)/);
    expect(table).toMatch(/0-3 mo[\s\S]*96\+ mo/);
    expect(table).toMatch(/Keeping fresh 2024-01-01 → 2036-01-01/);
    expect(table).toMatch(new RegExp(`${long} re-train {2}monthly`));
    expect(table).toMatch(new RegExp(`assumption: re-training ${long} \\(local:ft-paraphrase\\)`));
  });

  it('fits 100 columns with an OpenAI fine-tune, whose model id is long: rows name the pipeline', () => {
    const ft = 'openai:ft:gpt-4o-mini-2024-07-18:my-org:handbook:AbC123xy';
    const remote = makeRun({ ...runOf(), models: { ...models, [long]: ft, hybrid: ft }, run: { corpusTimeline: timeline, finetunes: { [ft]: { trainingTokens: 4000, epochs: 2 } } } });
    const built = buildRunReport(remote, 'run.json');
    const text = formatRunReportTable(built);
    expect(text).toMatch(new RegExp(`\\n${long} re-train {2}monthly`));
    expect(built.keepFresh!.assumptions.join('\n')).toContain(`re-training ${long} (${ft}):`);
    expect(width(text)).toBeLessThanOrEqual(100);
  });

  it('says what is not measured when the result has no asOf or timeline (older results)', () => {
    const old = formatRunReportTable(buildRunReport(makeRun({ questions: makeQuestions(40), pipelines: { rag: simulated(0.8, 2) } }), 'old.json'));
    expect(old).toMatch(/Freshness over time: not measured: .*no asOf/);
    expect(old).toMatch(/Keeping fresh: not measured: the result holds no corpus timeline/);
    expect(width(old)).toBeLessThanOrEqual(100);
  });

  it('renders Markdown tables and JSON of the same document', () => {
    const md = formatRunReportMarkdown(report);
    expect(md).toMatch(/\| claim \| verdict \| evidence \|\n\|---\|---\|---\|\n\| rag-fresh-after-cutoff \| supported \\\* \|/);
    expect(md).toMatch(/- `hybrid-combines`: A hybrid/);
    expect(md).toMatch(/### Keeping fresh/);
    expect(JSON.parse(formatRunReportJson(report)).claims.map((c: { id: string }) => c.id)).toEqual(CLAIMS.map((c) => c.id));
  });
});

describe('formatClaimsSummary (end of bench)', () => {
  it('prints one line per claim and the scale note, within 100 columns', () => {
    const text = formatClaimsSummary(result);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^claims \(evidence: ragvft report <result\.json>\):$/);
    expect(lines.slice(1, 1 + CLAIMS.length).every((l) => /^ {2}(supported|contradicted|inconclusive|not measured)\*? /.test(l))).toBe(true);
    expect(lines.slice(1 + CLAIMS.length).join(' ')).toMatch(/^\* tested on this project's small local models/);
    expect(width(text)).toBeLessThanOrEqual(100);
  });

  it('names the file the bench wrote in the command that shows the evidence', () => {
    expect(formatClaimsSummary(result, 'results/run-1.json').split('\n')[0]).toBe('claims (evidence: ragvft report results/run-1.json):');
  });
});
