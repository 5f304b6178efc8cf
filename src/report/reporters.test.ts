import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRunReport } from '../claims/report.js';
import { compareRuns } from '../compare/compare.js';
import { formatComparison } from '../compare/format.js';
import { makeQuestions, makeRun, simulated, withChanges } from '../compare/test-fixtures.js';
import { GateConfigSchema } from '../gate/config.js';
import { evaluateGate } from '../gate/evaluate.js';
import { formatGateReport, toJUnitXml } from '../gate/report.js';
import { InputError } from '../util/errors.js';
import { DOCUMENT_KINDS, formatsFor, render, REPORTERS, reporter, type ReportDocuments, reportersFor } from './reporters.js';

const questions = makeQuestions(120);
const pipelines = { 'closed-book': simulated(0.3, 1), rag: simulated(0.7, 2) };
const a = makeRun({ id: 'a', questions, pipelines });
const b = makeRun({ id: 'b', questions, pipelines: { ...pipelines, rag: withChanges(pipelines.rag, (_q, i, o) => (o.correct && i % 3 === 0 ? { correct: false } : undefined)) } });
const docs: ReportDocuments = {
  comparison: compareRuns(a, b, { labels: { a: 'a.json', b: 'b.json' } }),
  gate: evaluateGate(a, b, GateConfigSchema.parse({}), { labels: { a: 'a.json', b: 'b.json' } }),
  report: buildRunReport(b, 'b.json'),
};

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('reporter registry', () => {
  it('has unique formats, each with a description and at least one document kind', () => {
    const formats = REPORTERS.map((r) => r.format);
    expect(new Set(formats).size).toBe(formats.length);
    for (const r of REPORTERS) {
      expect(r.description.length).toBeGreaterThan(0);
      expect(Object.keys(r.render).length).toBeGreaterThan(0);
    }
  });

  it('offers table, md, json for comparisons and table, md, json, junit for gate reports', () => {
    expect(formatsFor('comparison')).toEqual(['table', 'md', 'json']);
    expect(formatsFor('gate')).toEqual(['table', 'md', 'json', 'junit']);
    expect(reportersFor('gate').map((r) => r.format)).toEqual(formatsFor('gate'));
    expect(reporter('junit')?.render.comparison).toBeUndefined();
    expect(reporter('xml')).toBeUndefined();
  });

  it('renders every supported format/kind pair to non-empty text ending in a newline', () => {
    let pairs = 0;
    for (const kind of DOCUMENT_KINDS) {
      for (const format of formatsFor(kind)) {
        const out = render(kind, format, docs[kind] as never);
        expect(out.length, `${format}/${kind}`).toBeGreaterThan(0);
        expect(out.endsWith('\n'), `${format}/${kind}`).toBe(true);
        pairs++;
      }
    }
    expect(pairs).toBe(10);
  });

  it('maps to the existing renderers byte for byte', () => {
    const c = docs.comparison;
    const r = docs.gate;
    expect(render('comparison', 'table', c)).toBe(formatComparison(c, 'table'));
    expect(render('comparison', 'md', c)).toBe(formatComparison(c, 'md'));
    expect(render('comparison', 'json', c)).toBe(formatComparison(c, 'json'));
    expect(render('comparison', 'table', c, { maxFlipsPerCategory: 1 })).toBe(formatComparison(c, 'table', { maxFlipsPerCategory: 1 }));
    expect(render('comparison', 'md', c, { maxFlipsPerCategory: 1 })).toBe(formatComparison(c, 'md', { maxFlipsPerCategory: 1 }));
    expect(render('gate', 'table', r)).toBe(formatGateReport(r, 'table'));
    expect(render('gate', 'md', r)).toBe(formatGateReport(r, 'md'));
    expect(render('gate', 'junit', r)).toBe(toJUnitXml(r));
    expect(render('gate', 'junit', r, { suiteName: 'nightly' })).toBe(toJUnitXml(r, 'nightly'));
  });

  it('renders JSON that parses back to the document', () => {
    for (const kind of DOCUMENT_KINDS) expect(JSON.parse(render(kind, 'json', docs[kind] as never))).toEqual(JSON.parse(JSON.stringify(docs[kind])));
  });

  it('refuses a format that cannot render the kind, naming the supported formats (InputError)', () => {
    const e = thrown(() => render('comparison', 'junit', docs.comparison));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('format "junit" cannot render a comparison report; supported formats for comparison: table, md, json');
  });

  it('refuses an unknown format (InputError)', () => {
    const e = thrown(() => render('gate', 'xml', docs.gate));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('unknown format "xml"; supported formats for gate: table, md, json, junit');
  });

  it('does not import from cli/ or run/', () => {
    const dir = join(import.meta.dirname, '.');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const src = readFileSync(join(dir, f), 'utf8');
      expect(src, f).not.toMatch(/from '\.\.\/(cli|run)\//);
    }
  });
});

describe('wrap', () => {
  it('wraps at the width, keeps the first line indentation and indents continuations', async () => {
    const { wrap } = await import('./terminal-table.js');
    const out = wrap(`  - ${'word '.repeat(40).trim()}`, 40, 4);
    const lines = out.split('\n');
    expect(lines.every((l) => l.length <= 40)).toBe(true);
    expect(lines[0]!.startsWith('  - word')).toBe(true);
    expect(lines[1]!.startsWith('      word')).toBe(true);
    expect(out.replace(/\s+/g, ' ').trim()).toBe(`- ${'word '.repeat(40).trim()}`);
  });
});
