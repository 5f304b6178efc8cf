/** Renders a Comparison as a terminal table, Markdown (PR comments, job summaries) or JSON. */
import { terminalTable, wrap } from '../report/terminal-table.js';
import { fmtInterval, fmtNum, pText, fmtRatio, fmtSigned } from '../stats/format.js';
import { METRICS } from '../metrics/registry.js';
import { type Comparison, type Flip, type FlipKind, type MetricComparison, type PipelineComparison, type RatioComparison } from './compare.js';

export type ComparisonFormat = 'table' | 'md' | 'json';

export interface FormatComparisonOptions {
  /** Flipped questions listed per category in table/Markdown output (JSON has all). */
  maxFlipsPerCategory?: number;
}

const DEFAULT_MAX_FLIPS = 50;
const ANSWER_WIDTH = 60;

const FLIP_LABELS: Record<FlipKind, string> = {
  'right-to-wrong': 'right→wrong',
  'wrong-to-right': 'wrong→right',
  'current-to-stale': 'current→stale',
};

/**
 * One of the renderers below by name. Commands pick formats through the reporter registry
 * (`render('comparison', format, c)` in report/reporters.ts), which maps to the same functions.
 */
export function formatComparison(c: Comparison, format: ComparisonFormat, opts: FormatComparisonOptions = {}): string {
  const renderers: Record<ComparisonFormat, (c: Comparison, opts: FormatComparisonOptions) => string> = {
    table: formatComparisonTable,
    md: formatComparisonMarkdown,
    json: formatComparisonJson,
  };
  return renderers[format](c, opts);
}

/** The terminal view: a table per pipeline, then the flipped questions. */
export function formatComparisonTable(c: Comparison, opts: FormatComparisonOptions = {}): string {
  return formatTable(c, opts.maxFlipsPerCategory ?? DEFAULT_MAX_FLIPS);
}

/** Markdown for PR comments and job summaries (flips in a collapsed block). */
export function formatComparisonMarkdown(c: Comparison, opts: FormatComparisonOptions = {}): string {
  return formatMarkdown(c, opts.maxFlipsPerCategory ?? DEFAULT_MAX_FLIPS);
}

/** The whole Comparison as pretty-printed JSON (every flip, whatever maxFlipsPerCategory says). */
export function formatComparisonJson(c: Comparison): string {
  return `${JSON.stringify(c, null, 2)}\n`;
}

// ---------------------------------------------------------------- shared cells

interface Row {
  label: string;
  a: string;
  b: string;
  change: string;
  ci: string;
  significance: string;
}

function metricRows(p: PipelineComparison): Row[] {
  const rows: Row[] = METRICS.flatMap((m) => {
    const c = p.metrics[m.id];
    return c ? [metricRow(m.label, c)] : [];
  });
  rows.push(ratioRow('p50 latency (ms)', p.latencyMs.p50, 0), ratioRow('p95 latency (ms)', p.latencyMs.p95, 0), ratioRow('Cost / 1k questions (USD)', p.costUsd.perThousandQuestions, 4));
  return rows;
}

function metricRow(label: string, m: MetricComparison): Row {
  const sig = m.a === null ? '–' : m.significant ? 'yes' : 'no';
  return {
    label,
    a: fmtNum(m.a),
    b: fmtNum(m.b),
    change: fmtSigned(m.delta),
    ci: m.lo === null || m.hi === null ? '–' : fmtInterval({ lo: m.lo, hi: m.hi }, true),
    significance: m.pValue !== null ? `${sig} (${pText(m.pValue)})` : sig,
  };
}

function ratioRow(label: string, r: RatioComparison, digits: number): Row {
  return { label, a: fmtNum(r.a, digits), b: fmtNum(r.b, digits), change: fmtRatio(r.ratio), ci: '', significance: '' };
}

function header(c: Comparison): string[] {
  const lines = [
    `A: ${c.a.label} (run ${c.a.runId}, ${c.a.startedAt}${c.a.gitCommit ? `, commit ${c.a.gitCommit.slice(0, 10)}` : ''})`,
    `B: ${c.b.label} (run ${c.b.runId}, ${c.b.startedAt}${c.b.gitCommit ? `, commit ${c.b.gitCommit.slice(0, 10)}` : ''})`,
    `${c.questions.common} paired questions; Δ = B − A with ${Math.round(c.method.level * 100)}% paired-bootstrap CI (${c.method.resamples} resamples, seed ${c.method.seed}); significant = CI excludes 0 (0/1 metrics: McNemar p < ${c.method.alpha.toFixed(2)}). Latency and cost: ratio B/A.`,
  ];
  if (c.added.length > 0) lines.push(`Added in B: ${c.added.join(', ')}`);
  if (c.removed.length > 0) lines.push(`Removed in B: ${c.removed.join(', ')}`);
  return lines;
}

function flipCount(c: Comparison): number {
  return c.flips.reduce((n, g) => n + g.flips.length, 0);
}

/** One line, at most `width` characters, for table cells. */
function clip(s: string, width = ANSWER_WIDTH): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > width ? `${one.slice(0, width - 1)}…` : one;
}

function answerText(side: Flip['a']): string {
  if (side.error) return `(error: ${side.error})`;
  if (side.answer === null) return '(no answer)';
  return side.answer;
}

// ---------------------------------------------------------------- terminal

function formatTable(c: Comparison, maxFlips: number): string {
  const out = [...header(c), ''];
  for (const p of c.pipelines) {
    out.push(`Pipeline ${p.pipeline}${p.model.a !== p.model.b ? ` (model ${p.model.a} → ${p.model.b})` : ''}: ${p.questions} questions`);
    const t = terminalTable(['Metric', 'A', 'B', 'Δ / ratio', '95% CI of Δ', 'Significant']);
    for (const r of metricRows(p)) t.push([r.label, r.a, r.b, r.change, r.ci, r.significance]);
    out.push(t.toString(), '');
  }
  out.push(`Flipped questions: ${flipCount(c)}`);
  for (const g of c.flips) {
    out.push(`  ${g.category} (${g.flips.length})`);
    for (const f of g.flips.slice(0, maxFlips)) {
      out.push(`    ${f.pipeline} ${f.questionId} ${f.kinds.map((k) => FLIP_LABELS[k]).join(', ')}`);
      out.push(`      A: ${clip(answerText(f.a))}`, `      B: ${clip(answerText(f.b))}`);
    }
    if (g.flips.length > maxFlips) out.push(`    … and ${g.flips.length - maxFlips} more (see --format json)`);
  }
  if (c.notes.length > 0) out.push('', 'Notes:', ...c.notes.map((n) => `  - ${n}`));
  // Prose lines wrap at 100 columns like the tables; table blocks fit already.
  return `${out.map((l) => (l.includes('\n') ? l : wrap(l, 100, 4))).join('\n')}\n`;
}

// ---------------------------------------------------------------- Markdown

/**
 * Escapes text (answers, messages) for Markdown: pipes and line breaks would break a table, HTML
 * would render, and emphasis/link/code characters would restyle it. Backslash goes first so the
 * escapes added after it stay escapes.
 */
export function mdCell(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[|`*_~[\]]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ');
}

export function mdTable(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(mdCell).join(' | ')} |`;
  return [line(head), `|${head.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

function formatMarkdown(c: Comparison, maxFlips: number): string {
  const out = ['## ragvft compare', '', ...header(c).map((l) => `${mdCell(l)}  `), ''];
  if (c.forced) out.push(`> **Warning:** ${mdCell(c.notes.find((n) => n.startsWith('Forced')) ?? 'forced comparison')}`, '');
  const rows: string[][] = [];
  for (const p of c.pipelines) for (const r of metricRows(p)) rows.push([p.pipeline, r.label, r.a, r.b, r.change, r.ci, r.significance]);
  out.push(mdTable(['Pipeline', 'Metric', 'A', 'B', 'Δ / ratio', '95% CI of Δ', 'Significant'], rows), '');
  out.push(...markdownFlips(c, maxFlips));
  if (c.notes.length > 0) out.push('', '**Notes**', '', ...c.notes.map((n) => `- ${mdCell(n)}`));
  return `${out.join('\n')}\n`;
}

/** Flips go in a collapsed block: they can be long, and PR comments should stay scannable. */
function markdownFlips(c: Comparison, maxFlips: number): string[] {
  const total = flipCount(c);
  if (total === 0) return ['No question flipped.'];
  const out = ['<details>', `<summary>Flipped questions (${total})</summary>`, ''];
  for (const g of c.flips) {
    out.push(`#### ${g.category} (${g.flips.length})`, '');
    const rows = g.flips.slice(0, maxFlips).map((f) => [f.pipeline, f.questionId, f.kinds.map((k) => FLIP_LABELS[k]).join(', '), clip(answerText(f.a)), clip(answerText(f.b))]);
    out.push(mdTable(['Pipeline', 'Question', 'Change', 'A answer', 'B answer'], rows), '');
    if (g.flips.length > maxFlips) out.push(`… and ${g.flips.length - maxFlips} more (see \`--format json\`).`, '');
  }
  out.push('</details>');
  return out;
}
