/**
 * `ragvft compare <a.json> <b.json>`: what changed between two runs, and is it real?
 *
 * Errors: bad files and incomparable runs throw InputError, which propagates to the CLI's top-level
 * handler (main.ts prints the message, exit 2). Commander usage errors are turned into InputError
 * too, so they exit 2 even without main's exitOverride, never commander's default 1.
 */
import { type Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { compareRuns } from '../../compare/compare.js';
import { fillFlipAnswers } from '../../compare/flip-answers.js';
import { loadResultView } from '../../compare/read.js';
import { formatsFor, render } from '../../report/reporters.js';
import { InputError } from '../../util/errors.js';

interface CompareCliOptions {
  /** A format of the reporter registry that renders comparisons. */
  format: string;
  force?: boolean;
  maxFlips: number;
}

export function registerCompare(program: Command): Command {
  return program
    .command('compare')
    .description('Compare two result files question by question: changes with paired 95% CIs and significance, latency/cost ratios, flipped questions')
    .argument('<a>', 'result JSON of the earlier run (A)')
    .argument('<b>', 'result JSON of the later run (B)')
    .addOption(new Option('--format <format>', 'output format').choices(formatsFor('comparison')).default('table'))
    .option('--force', 'compare runs of different datasets or question sets on their common questions only')
    .option('--max-flips <n>', 'flipped questions listed per category (table/md)', countParser(0), 50)
    .configureOutput({ outputError: () => {} })
    .exitOverride(usageErrorToInputError)
    .action(async (a: string, b: string, opts: CompareCliOptions) => {
      // One after the other: the second file's records are not read while the first's are held.
      const runA = await loadResultView(a);
      const runB = await loadResultView(b);
      const comparison = compareRuns(runA.view, runB.view, { force: opts.force ?? false, labels: { a, b } });
      await fillFlipAnswers(comparison, { a: runA.source, b: runB.source });
      process.stdout.write(render('comparison', opts.format, comparison, { maxFlipsPerCategory: opts.maxFlips }));
    });
}

/** A commander parser for a whole-number option of at least `min`. */
export function countParser(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer of at least ${min}, got "${value}"`);
    return n;
  };
}

/**
 * Commander exits 1 on usage errors, which `gate` reserves for "regression"; bad usage is bad input
 * (exit 2), so usage errors become InputError. Commander's own printing of errors is silenced
 * (configureOutput) so the top-level handler prints the message once. Help and version (exit code
 * 0) rethrow the CommanderError, as `.exitOverride()` in main.ts does, whose handler exits 0.
 */
export function usageErrorToInputError(err: CommanderError): never {
  if (err.exitCode === 0) throw err;
  throw new InputError(err.message.replace(/^error: /, ''));
}
