/**
 * `ragvft gate --baseline <a.json> [--current <b.json>]`: fail CI on real regressions, not noise.
 *
 * Exit codes: 0 all thresholds hold, 1 regression, 2 bad input or incomparable runs. The 2 comes
 * from InputError propagating to the CLI's top-level handler (which prints the message and exits 2);
 * usage errors are converted to InputError as well, so they never look like a regression.
 */
import { appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Command, Option } from 'commander';
import { fillFlipAnswers } from '../../compare/flip-answers.js';
import { loadResultView } from '../../compare/read.js';
import type { GateConfig } from '../../gate/config.js';
import { evaluateGate } from '../../gate/evaluate.js';
import { formatsFor, render } from '../../report/reporters.js';
import { InputError } from '../../util/errors.js';
import { assertWritableDir, writeFileAtomic } from '../../util/fs.js';
import { usageErrorToInputError } from './compare.js';

export const DEFAULT_CURRENT = 'results/latest.json';

export interface GateCommandDeps {
  /** Loads the `gate` section of the config file (defaults when there is no file or section). */
  loadGateConfig: (configPath?: string) => Promise<GateConfig>;
}

export interface GateCliOptions {
  baseline: string;
  current: string;
  config?: string;
  junit?: string;
  /** A format of the reporter registry that renders gate reports. */
  format: string;
}

export function registerGate(program: Command, deps: GateCommandDeps): Command {
  return program
    .command('gate')
    .description('Check the current run against a baseline: exit 0 pass, 1 regression, 2 bad input or incomparable runs')
    .requiredOption('--baseline <file>', 'result JSON to compare against (e.g. committed on the main branch)')
    .option('--current <file>', 'result JSON of this change', DEFAULT_CURRENT)
    .option('--config <file>', 'config file with a "gate" section (thresholds)')
    .option('--junit <file>', 'also write JUnit XML: one test case per pipeline and threshold')
    .addOption(new Option('--format <format>', 'report format on stdout').choices(formatsFor('gate')).default('table'))
    .configureOutput({ outputError: () => {} })
    .exitOverride(usageErrorToInputError)
    .action(async (opts: GateCliOptions) => {
      process.exitCode = await runGate(opts, deps);
    });
}

/** The whole command, returning the exit code; InputError propagates (exit 2). */
export async function runGate(opts: GateCliOptions, deps: GateCommandDeps): Promise<0 | 1> {
  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  try {
    // A JUnit path whose folder cannot be written is bad input, refused before any work.
    if (opts.junit) assertWritableDir(dirname(opts.junit), `--junit ${opts.junit}: its folder`);
    const config = await deps.loadGateConfig(opts.config);
    const baseline = await loadResultView(opts.baseline);
    const current = await loadResultView(opts.current);
    const report = evaluateGate(baseline.view, current.view, config, { labels: { a: opts.baseline, b: opts.current } });
    await fillFlipAnswers(report.comparison, { a: baseline.source, b: current.source });
    // JUnit before the verdict: a write that still fails (a folder in the way, a full disk) is
    // exit 2, never printed after PASSED.
    if (opts.junit) await writeJunit(opts.junit, render('gate', 'junit', report));
    process.stdout.write(render('gate', opts.format, report));
    if (summaryFile) await appendStepSummary(summaryFile, render('gate', 'md', report));
    return report.passed ? 0 : 1;
  } catch (e) {
    // Say in the job summary why the gate could not run, then let the CLI exit 2 as usual.
    if (e instanceof InputError && summaryFile) await appendStepSummary(summaryFile, `## ragvft gate: ⚠️ could not run\n\n${e.message}\n`);
    throw e;
  }
}

async function writeJunit(path: string, xml: string): Promise<void> {
  try {
    await writeFileAtomic(path, xml); // removes its temp file on failure
  } catch (e) {
    throw new InputError(`--junit: ${(e as Error).message}; choose a path in a writable folder`);
  }
}

/** A job summary that cannot be written must not change the gate's verdict: warn and go on. */
async function appendStepSummary(file: string, markdown: string): Promise<void> {
  try {
    await appendFile(file, `${markdown}\n`);
  } catch (e) {
    process.stderr.write(`warning: could not append to GITHUB_STEP_SUMMARY (${file}): ${(e as Error).message}\n`);
  }
}
