/**
 * The reporter registry: every output format the commands offer (`--format`), and for each the
 * document kinds it can render. `compare` and `gate` take their `--format` choices from here, so a
 * format added once is offered by every command whose document it supports.
 *
 * The renderers live next to their documents (compare/format.ts, gate/report.ts); this module only
 * maps formats to them. It must not import from cli/ or run/.
 *
 * To add a document kind (e.g. `run` for a result file): add it to ReportDocuments and give the
 * formats that support it a `render.<kind>` entry. To add a format (e.g. `html`): add a Reporter.
 */
import type { RunReport } from '../claims/report.js';
import type { Comparison } from '../compare/compare.js';
import { formatComparisonJson, formatComparisonMarkdown, formatComparisonTable } from '../compare/format.js';
import type { GateReport } from '../gate/evaluate.js';
import { formatGateJson, formatGateMarkdown, formatGateTable, toJUnitXml } from '../gate/report.js';
import { InputError } from '../util/errors.js';
import { formatRunReportJson, formatRunReportMarkdown, formatRunReportTable } from './claims-report.js';

/** The documents reporters render, by kind. */
export interface ReportDocuments {
  comparison: Comparison;
  gate: GateReport;
  /** `ragvft report`: one run's claims, freshness over time and keep-fresh costs. */
  report: RunReport;
}

export type DocumentKind = keyof ReportDocuments;

export const DOCUMENT_KINDS: readonly DocumentKind[] = ['comparison', 'gate', 'report'];

/** Options every renderer receives; each reads only what applies to it. */
export interface RenderOptions {
  /** Flipped questions listed per category (comparison table/md; JSON has all). */
  maxFlipsPerCategory?: number;
  /** JUnit `<testsuites>`/`<testsuite>` name. */
  suiteName?: string;
}

export type Renderer<K extends DocumentKind> = (doc: ReportDocuments[K], opts: RenderOptions) => string;

export interface Reporter {
  /** The `--format` value. */
  format: string;
  description: string;
  /** One renderer per document kind the format supports. */
  render: { [K in DocumentKind]?: Renderer<K> };
}

export const REPORTERS: readonly Reporter[] = [
  {
    format: 'table',
    description: 'plain-text tables for the terminal and CI logs',
    render: {
      comparison: (c, opts) => formatComparisonTable(c, opts),
      gate: (r) => formatGateTable(r),
      report: (r) => formatRunReportTable(r),
    },
  },
  {
    format: 'md',
    description: 'Markdown for PR comments and job summaries',
    render: {
      comparison: (c, opts) => formatComparisonMarkdown(c, opts),
      gate: (r) => formatGateMarkdown(r),
      report: (r) => formatRunReportMarkdown(r),
    },
  },
  {
    format: 'json',
    description: 'the whole document as pretty-printed JSON',
    render: {
      comparison: (c) => formatComparisonJson(c),
      gate: (r) => formatGateJson(r),
      report: (r) => formatRunReportJson(r),
    },
  },
  {
    format: 'junit',
    description: 'JUnit XML for CI test reports: one test case per pipeline and threshold',
    render: {
      gate: (r, opts) => (opts.suiteName === undefined ? toJUnitXml(r) : toJUnitXml(r, opts.suiteName)),
    },
  },
];

/** The reporter of `format`, if there is one. */
export function reporter(format: string): Reporter | undefined {
  return REPORTERS.find((r) => r.format === format);
}

/** The reporters that can render documents of `kind`, in registry order. */
export function reportersFor(kind: DocumentKind): Reporter[] {
  return REPORTERS.filter((r) => r.render[kind] !== undefined);
}

/** The `--format` choices for documents of `kind`. */
export function formatsFor(kind: DocumentKind): string[] {
  return reportersFor(kind).map((r) => r.format);
}

/**
 * Renders `doc` (a document of `kind`) in `format`. Throws InputError (exit 2) naming the
 * supported formats when `format` is unknown or cannot render this kind of document.
 */
export function render<K extends DocumentKind>(kind: K, format: string, doc: ReportDocuments[K], opts: RenderOptions = {}): string {
  const fn = reporter(format)?.render[kind] as Renderer<K> | undefined;
  if (!fn) {
    const why = reporter(format) ? `format "${format}" cannot render a ${kind} report` : `unknown format "${format}"`;
    throw new InputError(`${why}; supported formats for ${kind}: ${formatsFor(kind).join(', ')}`);
  }
  return fn(doc, opts);
}
