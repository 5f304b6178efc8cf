import { type Command, Option } from 'commander';
import { relative } from 'node:path';
import { DEFAULT_CONFIG } from '../../config/load.js';
import type { RunResult } from '../../results/schema.js';
import { formatBenchView, type Written } from '../../report/bench-view.js';
import { writeHtmlReport } from './report-html.js';
import { isRetryable, ResultNotWritten, runBench, RunIncomplete, RunInterrupted } from '../../run/bench.js';
import { createProgress } from '../../run/progress.js';
import { parseShard } from '../../run/shard.js';
import { RESULT_LAYOUTS, type ResultLayout } from '../../results/write.js';
import { InputError } from '../../util/errors.js';

interface BenchCliOptions {
  config: string;
  outDir?: string;
  quiet?: boolean;
  resume?: string;
  keepErrors?: boolean;
  cache: boolean;
  preflight: boolean;
  maxErrorRate?: string;
  indexAsOf?: string;
  details?: boolean;
  html?: string;
  shard?: string;
  layout: ResultLayout;
}

/** Pipelines whose share of failed questions is above the limit. */
export function errorRateViolations(result: RunResult, limit: number): string[] {
  return result.pipelines
    .filter((p) => p.summary.questions > 0 && p.summary.errors / p.summary.questions > limit)
    .map((p) => `${p.name}: ${p.summary.errors}/${p.summary.questions} questions failed (${JSON.stringify(p.summary.errorsByKind)}), above the limit of ${(100 * limit).toFixed(1)}%`);
}

function parseRate(s: string): number {
  const x = Number(s);
  if (!(x >= 0 && x <= 1)) throw new InputError(`--max-error-rate must be a number from 0 to 1, got "${s}"`);
  return x;
}

/**
 * A signal this soon after the first is the same Ctrl-C passed on by a relay, not a second one:
 * under `npm run`, npm forwards the terminal's SIGINT to a script whose shell exec'd node (bash
 * does), so the bench receives it twice within milliseconds.
 */
export const RELAYED_SIGNAL_MS = 500;

/** How often the bench checks that the process that started it is still there. */
const ORPHAN_CHECK_MS = 500;

/**
 * The command that finishes a run: the same config, output folder, cache, preflight and error-rate
 * choices, and --keep-errors if this run had it (the outage hints drop it: they are for retrying).
 */
export function resumeCommand(o: Pick<BenchCliOptions, 'config' | 'outDir' | 'cache' | 'preflight' | 'maxErrorRate' | 'keepErrors' | 'indexAsOf'> & Partial<Pick<BenchCliOptions, 'layout'>>, runId: string): string {
  const args = [
    o.config === DEFAULT_CONFIG ? '' : ` --config ${shellQuote(o.config)}`,
    o.outDir ? ` --out-dir ${shellQuote(o.outDir)}` : '',
    o.cache ? '' : ' --no-cache',
    o.preflight ? '' : ' --no-preflight',
    o.maxErrorRate !== undefined ? ` --max-error-rate ${o.maxErrorRate}` : '',
    o.indexAsOf ? ` --index-as-of ${o.indexAsOf}` : '',
    // --shard is not repeated: the run's journal keeps it.
    o.layout && o.layout !== 'auto' ? ` --layout ${o.layout}` : '',
  ];
  return `npm run bench --${args.join('')} --resume ${runId}${o.keepErrors ? ' --keep-errors' : ''}`;
}

/** A path as one shell word: quoted when it holds anything but plain path characters. */
const shellQuote = (s: string) => (/^[\w./:@=+-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);

/** The resume that retries failed pairs, whatever this run's --keep-errors. */
const retryCommand = (o: BenchCliOptions, runId: string) => resumeCommand({ ...o, keepErrors: false }, runId);

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run every pipeline of a config over its dataset and write result JSON')
    .option('-c, --config <file>', 'config file (.ts with defineConfig, or .json)', DEFAULT_CONFIG)
    .option('-o, --out-dir <dir>', 'where result JSON goes (default: config outDir)')
    .option('-r, --resume <runId>', 'finish a run (same config): its missing and failed pairs')
    .option('--keep-errors', 'with --resume: run only the missing pairs, keep failed records as they are')
    .option('--no-cache', 'bypass the response cache')
    .option('--no-preflight', 'skip the check that each remote provider is reachable before the run')
    .option('--max-error-rate <rate>', 'exit 1 if a pipeline fails more than this share of questions (default: config maxErrorRate)')
    .option('--index-as-of <date>', 'build the RAG index only from document versions valid on this date (a stale index)')
    .option('--details', 'also print every detailed table: full summary, by category, retrieval, statistics, notes')
    .option('--html <file>', 'also write the self-contained HTML report of the run (as `report --html`)')
    .option('--shard <i/n>', 'run the i-th of n parts of the questions (every pipeline); combine them with `ragvft merge`')
    .addOption(new Option('--layout <layout>', 'result files: single JSON, or a summary JSON beside a JSONL of records').choices(RESULT_LAYOUTS).default('auto'))
    .option('-q, --quiet', 'no progress output')
    .action(async (o: BenchCliOptions) => {
      // Bad input is refused before any model is called or anything is written.
      const cliLimit = o.maxErrorRate !== undefined ? parseRate(o.maxErrorRate) : undefined;
      if (o.keepErrors && !o.resume) throw new InputError('--keep-errors only applies to --resume <runId>');
      const shard = o.shard === undefined ? undefined : parseShard(o.shard);
      const progress = createProgress(process.stderr, o.quiet);
      const controller = new AbortController();
      let runId: string | undefined;
      // First Ctrl-C (or SIGTERM, as CI runners and process managers send): stop scheduling and let
      // the calls in flight finish and be recorded (they are billed either way). Second: leave now.
      let firstSignalAt = 0;
      const onSignal = (name: NodeJS.Signals) => {
        if (controller.signal.aborted) {
          if (Date.now() - firstSignalAt < RELAYED_SIGNAL_MS) return;
          process.exit(130);
        }
        firstSignalAt = Date.now();
        progress.log(`\n${name === 'SIGTERM' ? 'terminated' : 'interrupted'}: finishing calls in flight (Ctrl-C again to quit at once)…`);
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      // npm runs scripts through sh on Linux: a SIGTERM to npm alone (`timeout npm run bench`, npm
      // as a container's PID 1) ends npm and sh but not the bench, which is handed to init. A parent
      // that went away is asked to stop like SIGTERM, so no bench outlives the command that ran it.
      const parent = process.ppid;
      const orphanWatch = setInterval(() => {
        if (process.ppid !== parent && !controller.signal.aborted) onSignal('SIGTERM');
      }, ORPHAN_CHECK_MS).unref();
      try {
        const { result, path, datasetPath } = await runBench({
          configPath: o.config,
          outDir: o.outDir,
          resume: o.resume,
          keepErrors: o.keepErrors,
          noCache: !o.cache,
          preflight: o.preflight,
          progress,
          signal: controller.signal,
          onRunId: (id) => (runId = id),
          indexAsOf: o.indexAsOf,
          shard,
          layout: o.layout,
        });
        // The files this run wrote, the result JSON first; other outputs (an HTML report) join it.
        const written: Written[] = [{ what: 'results', path: relative(process.cwd(), path) }];
        if (o.html !== undefined) written.push({ what: 'html report', path: relative(process.cwd(), (await writeHtmlReport({ result: path, html: o.html, dataset: datasetPath })).path) });
        process.stdout.write(formatBenchView(result, { details: Boolean(o.details), written }));
        const limit = cliLimit ?? (result.run.config as { maxErrorRate: number }).maxErrorRate;
        const violations = errorRateViolations(result, limit);
        for (const v of violations) process.stderr.write(`error rate: ${v}\n`);
        if (violations.length) {
          process.exitCode = 1;
          const failed = result.records.filter(isRetryable).length;
          if (failed) process.stderr.write(`ragvft: ${failed} failed pair(s) of run ${result.run.id}; once the cause is fixed, resume retries them: ${retryCommand(o, result.run.id)}\n`);
        }
      } catch (err) {
        if (err instanceof RunIncomplete) {
          const also = err.failed ? ` (it also retries the ${err.failed} failed)` : '';
          process.stderr.write(`ragvft: ${err.message}. Answers so far are saved; once the server is back, resume with: ${retryCommand(o, err.runId)}${also}\n`);
          process.exitCode = 1;
          return;
        }
        if (err instanceof ResultNotWritten) {
          process.stderr.write(`ragvft: ${err.message}; the answers are saved. Fix it, then write the result with: ${resumeCommand(o, err.runId)}\n`);
          process.exitCode = 1;
          return;
        }
        if (controller.signal.aborted && err === controller.signal.reason) {
          // Stopped while training, before any question of this invocation was asked.
          const next = o.resume ? `resume with: ${resumeCommand(o, o.resume)}` : 'nothing to resume';
          process.stderr.write(`ragvft: interrupted before any question was asked; ${next}\n`);
          process.exitCode = 130;
          return;
        }
        if (!(err instanceof RunInterrupted)) throw err;
        process.stderr.write(`run ${err.runId} stopped; answers so far are saved. Resume with: ${resumeCommand(o, runId ?? err.runId)}\n`);
        process.exitCode = 130;
      } finally {
        clearInterval(orphanWatch);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
