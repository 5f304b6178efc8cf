/**
 * `ragvft report <result.json>`: the run's verdicts on the claims of the RAG-versus-fine-tuning
 * literature, freshness over time and keep-fresh costs. Bad files and usage errors exit 2.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_CADENCES } from '../../claims/freshness/keep-fresh.js';
import { buildRunReport } from '../../claims/report.js';
import { loadResultView } from '../../compare/read.js';
import { formatDetails } from '../../report/bench-view.js';
import { formatsFor, render } from '../../report/reporters.js';
import { InputError } from '../../util/errors.js';
import { countParser, usageErrorToInputError } from './compare.js';
import { DEFAULT_EXPLORER_QUESTIONS, writeHtmlReport } from './report-html.js';

interface ReportCliOptions {
  format: string;
  cadence: number[];
  html?: string;
  baseline?: string;
  dataset?: string;
  force?: boolean;
  details?: boolean;
  maxQuestions?: number;
}

/** "1,3,12" -> [1, 3, 12]: re-training cadences in months. */
export function parseCadences(value: string): number[] {
  const months = value.split(',').map((s) => Number(s.trim()));
  if (months.length === 0 || months.some((m) => !Number.isInteger(m) || m < 1)) throw new InvalidArgumentError(`expected whole months separated by commas, e.g. 1,3,12 (got "${value}")`);
  return months;
}

export function registerReport(program: Command): Command {
  return program
    .command('report')
    .description('Verdicts on the RAG-vs-fine-tuning claims for one result file, with freshness over time and keep-fresh costs')
    .argument('<result>', 'result JSON of a bench run')
    .addOption(new Option('--format <format>', 'output format').choices(formatsFor('report')).default('table'))
    .option('--cadence <months>', 're-training cadences for keep-fresh costs, in months', parseCadences, [...DEFAULT_CADENCES])
    .option('--html <file>', 'write the self-contained HTML report (claims, charts, per-question explorer) instead')
    .option('--baseline <file>', 'with --html: a result JSON to compare the run with (it is A, the run is B)')
    .option('--dataset <dir>', "with --html: the run's dataset (question text, gold and stale answers); default: the one its config names, if found")
    .option('--force', 'with --baseline: compare runs of different datasets or question sets on their common questions only')
    .option('--max-questions <n>', `with --html: questions the explorer shows at most (default ${DEFAULT_EXPLORER_QUESTIONS}; flipped and disagreeing ones first)`, countParser(1))
    .option('--details', "with --format table: append the bench's detailed tables (full summary, by category, retrieval, statistics, notes)")
    .configureOutput({ outputError: () => {} })
    .exitOverride(usageErrorToInputError)
    .action(async (file: string, opts: ReportCliOptions) => {
      if (opts.details && opts.format !== 'table') throw new InputError(`--details applies to --format table only, not ${opts.format} (the result JSON itself holds every figure)`);
      if (opts.html === undefined && (opts.baseline !== undefined || opts.dataset !== undefined || opts.maxQuestions !== undefined)) throw new InputError('--baseline, --dataset and --max-questions apply to the HTML report: add --html <file>');
      if (opts.html !== undefined) {
        const written = await writeHtmlReport({ result: file, html: opts.html, baseline: opts.baseline, dataset: opts.dataset, force: opts.force, maxQuestions: opts.maxQuestions });
        for (const n of written.notes) process.stderr.write(`note: ${n}\n`);
        process.stdout.write(`wrote ${written.path} (${Math.ceil(written.bytes / 1024)} KB)\n`);
        return;
      }
      const { view: result } = await loadResultView(file);
      process.stdout.write(render('report', opts.format, buildRunReport(result, file, { cadences: opts.cadence })));
      if (opts.details) process.stdout.write(`\nDetails\n${formatDetails(result)}\n`);
    });
}
