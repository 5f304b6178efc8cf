/**
 * `ragvft report` in the terminal, Markdown and JSON: the claims (one line each, the scale note
 * once, then the evidence), freshness over time and keep-fresh costs. Fits 100 columns.
 */
import type { RunReport } from '../claims/report.js';
import { mdTable } from '../compare/format.js';
import { claimLines, evidenceLines, scaleFootnote, VERDICT_LABELS } from './claims-table.js';
import { keepFreshParts, overTimeParts, type TableParts } from './claims-freshness.js';
import { terminalTable, wrap } from './terminal-table.js';

function header(r: RunReport): string {
  const cutoff = r.run.trainingCutoff ? `, training cutoff ${r.run.trainingCutoff}` : ', no training cutoff';
  const index = r.run.indexAsOf ? `, RAG index as of ${r.run.indexAsOf}` : '';
  return `run ${r.run.id}: dataset ${r.run.dataset}, ${r.run.questions} questions${cutoff}${index}; pipelines ${r.run.pipelines.join(', ')}`;
}

function sections(r: RunReport): { overTime: TableParts | null; keepFresh: TableParts | null } {
  return { overTime: r.overTime ? overTimeParts(r.overTime) : null, keepFresh: r.keepFresh ? keepFreshParts(r.keepFresh) : null };
}

const MISSING = {
  overTime: 'not measured: the run has no training cutoff, or its records carry no asOf (written before ragvft recorded it: rerun the bench)',
  keepFresh: 'not measured: the result holds no corpus timeline (no training cutoff, or written before ragvft recorded it: rerun the bench)',
};

function textTable(p: TableParts): string {
  const t = terminalTable(p.head);
  for (const row of p.rows) t.push(row);
  return [wrap(p.title), t.toString(), ...p.notes.map((n) => wrap(n, 100, 2))].join('\n');
}

export function formatRunReportTable(r: RunReport): string {
  const { overTime, keepFresh } = sections(r);
  return `${[
    wrap(header(r)),
    '',
    'Claims',
    ...claimLines(r.claims, '  '),
    ...scaleFootnote(r.claims, r.scale),
    '',
    'Evidence',
    ...evidenceLines(r.claims, '  '),
    '',
    overTime ? textTable(overTime) : wrap(`Freshness over time: ${MISSING.overTime}`),
    '',
    keepFresh ? textTable(keepFresh) : wrap(`Keeping fresh: ${MISSING.keepFresh}`),
  ].join('\n')}\n`;
}

function mdSection(p: TableParts): string[] {
  return [`### ${p.title}`, '', mdTable(p.head, p.rows), '', ...p.notes.map((n) => `- ${n}`)];
}

export function formatRunReportMarkdown(r: RunReport): string {
  const { overTime, keepFresh } = sections(r);
  const verdict = (c: RunReport['claims'][number]) => `${VERDICT_LABELS[c.verdict]}${c.scale ? ' *' : ''}`;
  const evidence = (c: RunReport['claims'][number]) => (c.verdict === 'not-measured' ? `${c.missing ?? ''}${c.evidence ? `; ${c.evidence}` : ''}` : c.evidence);
  return `${[
    '## ragvft report',
    '',
    header(r),
    '',
    '### Claims',
    '',
    mdTable(['claim', 'verdict', 'evidence'], r.claims.map((c) => [c.id, verdict(c), evidence(c)])),
    '',
    ...(r.scale && r.claims.some((c) => c.scale) ? [`\\* ${r.scale}.`, ''] : []),
    ...r.claims.map((c) => `- \`${c.id}\`: ${c.claim} Test: ${c.test}`),
    '',
    ...(overTime ? mdSection(overTime) : ['### Freshness over time', '', MISSING.overTime]),
    '',
    ...(keepFresh ? mdSection(keepFresh) : ['### Keeping fresh', '', MISSING.keepFresh]),
  ].join('\n')}\n`;
}

export function formatRunReportJson(r: RunReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
