import type { Command } from 'commander';
import { relative } from 'node:path';
import { DEFAULT_CONFIG } from '../../config/load.js';
import type { RunResult } from '../../results/schema.js';
import { formatClaimsSummary } from '../../report/claims-table.js';
import { formatCategoryTable, formatNotes, formatSummaryTable } from '../../report/table.js';
import { ResultNotWritten, runBench, RunIncomplete, RunInterrupted } from '../../run/bench.js';
import { formatStatisticsTable } from '../../stats/table.js';
import { createProgress } from '../../run/progress.js';
import { InputError } from '../../util/errors.js';

interface BenchCliOptions {
  config: string;
  outDir?: string;
  quiet?: boolean;
  resume?: string;
  cache: boolean;
  preflight: boolean;
  maxErrorRate?: string;
  indexAsOf?: string;
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

/** The command that finishes an interrupted run: the same config, output folder and cache choice. */
export function resumeCommand(o: Pick<BenchCliOptions, 'config' | 'outDir' | 'cache' | 'indexAsOf'>, runId: string): string {
  const args = [o.config === DEFAULT_CONFIG ? '' : ` --config ${o.config}`, o.outDir ? ` --out-dir ${o.outDir}` : '', o.cache ? '' : ' --no-cache', o.indexAsOf ? ` --index-as-of ${o.indexAsOf}` : ''];
  return `npm run bench --${args.join('')} --resume ${runId}`;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run every pipeline of a config over its dataset and write result JSON')
    .option('-c, --config <file>', 'config file (.ts with defineConfig, or .json)', DEFAULT_CONFIG)
    .option('-o, --out-dir <dir>', 'where result JSON goes (default: config outDir)')
    .option('-r, --resume <runId>', 'finish an interrupted run (same config)')
    .option('--no-cache', 'bypass the response cache')
    .option('--no-preflight', 'skip the check that each remote provider is reachable before the run')
    .option('--max-error-rate <rate>', 'exit 1 if a pipeline fails more than this share of questions (default: config maxErrorRate)')
    .option('--index-as-of <date>', 'build the RAG index only from document versions valid on this date (a stale index)')
    .option('-q, --quiet', 'no progress output')
    .action(async (o: BenchCliOptions) => {
      // Bad input is refused before any model is called or anything is written.
      const cliLimit = o.maxErrorRate !== undefined ? parseRate(o.maxErrorRate) : undefined;
      const progress = createProgress(process.stderr, o.quiet);
      const controller = new AbortController();
      let runId: string | undefined;
      // First Ctrl-C (or SIGTERM, as CI runners and process managers send): stop scheduling and let
      // the calls in flight finish and be recorded (they are billed either way). Second: leave now.
      const onSignal = (name: NodeJS.Signals) => {
        if (controller.signal.aborted) process.exit(130);
        progress.log(`\n${name === 'SIGTERM' ? 'terminated' : 'interrupted'}: finishing calls in flight (Ctrl-C again to quit at once)…`);
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const { result, path } = await runBench({
          configPath: o.config,
          outDir: o.outDir,
          resume: o.resume,
          noCache: !o.cache,
          preflight: o.preflight,
          progress,
          signal: controller.signal,
          onRunId: (id) => (runId = id),
          indexAsOf: o.indexAsOf,
        });
        process.stdout.write(`${[formatSummaryTable(result), formatCategoryTable(result), formatStatisticsTable(result.statistics), formatNotes(result), formatClaimsSummary(result)].join('\n\n')}\n`);
        process.stdout.write(`results: ${relative(process.cwd(), path)}\n`);
        const limit = cliLimit ?? (result.run.config as { maxErrorRate: number }).maxErrorRate;
        const violations = errorRateViolations(result, limit);
        for (const v of violations) process.stderr.write(`error rate: ${v}\n`);
        if (violations.length) process.exitCode = 1;
      } catch (err) {
        if (err instanceof RunIncomplete) {
          process.stderr.write(`ragvft: ${err.message}. Answers so far are saved; once the server is back, resume with: ${resumeCommand(o, err.runId)}\n`);
          process.exitCode = 1;
          return;
        }
        if (err instanceof ResultNotWritten) {
          process.stderr.write(`ragvft: ${err.message}; the answers are saved. Fix it, then write the result with: ${resumeCommand(o, err.runId)}\n`);
          process.exitCode = 1;
          return;
        }
        if (!(err instanceof RunInterrupted)) throw err;
        process.stderr.write(`run ${err.runId} stopped; answers so far are saved. Resume with: ${resumeCommand(o, runId ?? err.runId)}\n`);
        process.exitCode = 130;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
