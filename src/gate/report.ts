/** Gate report rendering: terminal table, Markdown (job summary), JSON and JUnit XML (CI test reports). */
import { terminalTable, wrap } from '../report/terminal-table.js';
import { mdCell, mdTable } from '../compare/format.js';
import { GATED_METRICS, type GatedThreshold } from '../metrics/registry.js';
import { fmtInterval, fmtNum, pText, fmtRatio, fmtSigned } from '../stats/format.js';
import type { CheckName, GateCheck, GateReport } from './evaluate.js';

export type GateFormat = 'table' | 'md';

const CHECK_LABELS: Record<CheckName, string> = {
  ...(Object.fromEntries(GATED_METRICS.map((g) => [g.threshold, `${g.metric.label} ${g.metric.higherIsBetter ? 'drop' : 'rise'}`])) as Record<GatedThreshold, string>),
  maxP95LatencyRatio: 'p95 latency ratio',
  maxCostRatio: 'Cost ratio',
  maxErrorRate: 'Error rate',
  present: 'Pipeline present',
};

const STATUS_LABELS = { pass: 'pass', fail: 'FAIL', skip: 'skip' } as const;

/** Cells of one check, formatted for its kind: rates, ratios, milliseconds or dollars. */
function cells(c: GateCheck): string[] {
  const ratioCheck = c.threshold === 'maxP95LatencyRatio' || c.threshold === 'maxCostRatio';
  const value = (x: number | null) => (c.threshold === 'maxP95LatencyRatio' ? (x === null ? '–' : `${fmtNum(x, 0)} ms`) : c.threshold === 'maxCostRatio' ? (x === null ? '–' : `$${fmtNum(x, 4)}`) : fmtNum(x));
  const limit = c.limit === null ? 'off' : ratioCheck ? fmtRatio(c.limit) : fmtNum(c.limit);
  const observed = ratioCheck ? fmtRatio(c.observed) : c.threshold === 'maxErrorRate' ? fmtNum(c.observed) : fmtSigned(c.observed);
  let evidence = '–';
  if (c.ci) evidence = `${fmtInterval(c.ci, true, 2)}${c.pValue !== null ? ` ${pText(c.pValue)}` : ''}${c.significant ? ' *' : ''}`;
  return [c.pipeline, CHECK_LABELS[c.threshold], limit, value(c.baseline), value(c.current), observed, evidence, STATUS_LABELS[c.status]];
}

const HEAD = ['Pipeline', 'Check', 'Limit', 'Before', 'After', 'Change', '95% CI of change', 'Result'];

function verdict(r: GateReport): string {
  const skipped = r.checks.filter((c) => c.status === 'skip').length;
  const counts = `${r.checks.length} checks, ${r.violations.length} failed, ${skipped} skipped`;
  return r.passed ? `PASSED (${counts})` : `FAILED: ${r.violations.length} threshold(s) violated (${counts})`;
}

function policy(r: GateReport): string {
  return r.requireSignificance
    ? 'Accuracy and freshness changes fail only when over tolerance and statistically significant (* = significant). Before = baseline, After = current; Change = drop or rise (positive is worse), ratio, or rate.'
    : 'Accuracy and freshness changes fail when over tolerance, significant or not (* = significant). Before = baseline, After = current; Change = drop or rise (positive is worse), ratio, or rate.';
}

/**
 * The table or Markdown rendering by name. Commands pick formats through the reporter registry
 * (`render('gate', format, r)` in report/reporters.ts), which maps to the functions below.
 */
export function formatGateReport(r: GateReport, format: GateFormat): string {
  return format === 'md' ? formatGateMarkdown(r) : formatGateTable(r);
}

/** The terminal view: one row per pipeline and check, then violations, notes and the verdict. */
export function formatGateTable(r: GateReport): string {
  return terminal(r);
}

/** Markdown for the job summary: verdict heading, violations, then the checks table. */
export function formatGateMarkdown(r: GateReport): string {
  return markdown(r);
}

/** The whole GateReport as pretty-printed JSON. */
export function formatGateJson(r: GateReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

function terminal(r: GateReport): string {
  const t = terminalTable(HEAD);
  for (const c of r.checks) t.push(cells(c));
  const out = [`ragvft gate: baseline ${r.baseline.label} vs current ${r.current.label}`, t.toString(), policy(r)];
  if (r.violations.length > 0) out.push('', 'Violations:', ...r.violations.map((v) => `  ✗ ${v.message}`));
  const noise = r.checks.filter((c) => c.status === 'pass' && c.message.includes('treated as noise'));
  if (noise.length > 0) out.push('', 'Over tolerance but not significant:', ...noise.map((c) => `  ~ ${c.message}`));
  if (r.notes.length > 0) out.push('', 'Notes:', ...r.notes.map((n) => `  - ${n}`));
  out.push('', verdict(r));
  // Prose lines wrap at 100 columns like the table; the table's own lines fit already.
  return `${out.map((l) => (l.includes('\n') ? l : wrap(l, 100, 4))).join('\n')}\n`;
}

function markdown(r: GateReport): string {
  const out = [
    `## ragvft gate: ${r.passed ? '✅' : '❌'} ${verdict(r)}`,
    '',
    `Baseline ${mdCell(r.baseline.label)} (run ${mdCell(r.baseline.runId)}) vs current ${mdCell(r.current.label)} (run ${mdCell(r.current.runId)}).`,
    '',
  ];
  if (r.violations.length > 0) out.push('**Violations**', '', ...r.violations.map((v) => `- ${mdCell(v.message)}`), '');
  out.push(mdTable(HEAD, r.checks.map(cells)), '', `_${mdCell(policy(r))}_`);
  if (r.notes.length > 0) out.push('', '**Notes**', '', ...r.notes.map((n) => `- ${mdCell(n)}`));
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------- JUnit XML

/**
 * Escapes text for XML attribute values and character data. Characters XML 1.0 forbids (most C0
 * controls, lone surrogates, U+FFFE/FFFF) are dropped: no escape can make them legal.
 */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

/** One test case per pipeline and threshold: failures carry the message, disabled/skipped checks a <skipped/>. */
export function toJUnitXml(r: GateReport, suiteName = 'ragvft gate'): string {
  const failures = r.violations.length;
  const skipped = r.checks.filter((c) => c.status === 'skip').length;
  const counts = { tests: r.checks.length, failures, errors: 0, skipped };
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attrs({ name: suiteName, ...counts })}>`, `  <testsuite${attrs({ name: suiteName, ...counts })}>`];
  for (const c of r.checks) {
    const open = `    <testcase${attrs({ classname: `ragvft.gate.${c.pipeline}`, name: c.threshold, time: 0 })}`;
    if (c.status === 'pass') {
      lines.push(`${open}>`, `      <system-out>${xmlEscape(c.message)}</system-out>`, '    </testcase>');
    } else if (c.status === 'skip') {
      lines.push(`${open}>`, `      <skipped${attrs({ message: c.message })}/>`, '    </testcase>');
    } else {
      lines.push(`${open}>`, `      <failure${attrs({ message: c.message, type: 'regression' })}>${xmlEscape(failureDetails(c))}</failure>`, '    </testcase>');
    }
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}

function failureDetails(c: GateCheck): string {
  return [
    c.message,
    `limit: ${c.limit ?? 'n/a'}`,
    `baseline: ${c.baseline ?? 'n/a'}`,
    `current: ${c.current ?? 'n/a'}`,
    `observed: ${c.observed ?? 'n/a'}`,
    c.ci ? `95% CI of change: [${c.ci.lo}, ${c.ci.hi}]` : null,
    c.pValue !== null ? `McNemar p: ${c.pValue}` : null,
  ]
    .filter((l) => l !== null)
    .join('\n');
}
