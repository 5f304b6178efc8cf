import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { relative } from 'node:path';
import { type Estimate, InitDeclined, InitIncomplete, runInit } from '../../init/run.js';
import { REJECTIONS, type Rejection, rejectedItems } from '../../init/verify.js';
import { createProgress } from '../../run/progress.js';
import { InputError } from '../../util/errors.js';
import { installWarningDedup } from './judge-check.js';

interface InitCliOptions {
  out: string;
  cutoff: string;
  model: string;
  config?: string;
  perDoc: string;
  name?: string;
  yes?: boolean;
  force?: boolean;
  cache: boolean;
  history: boolean;
  quiet?: boolean;
}

const n = (x: number) => x.toLocaleString('en-US');

/** The estimate, in lines within 100 columns. */
export function formatEstimate(e: Estimate): string {
  const lines = [`init: ${e.calls} generation calls and up to ${e.checks} checks, about ${n(e.input)} input and ${n(e.output)} output tokens`];
  lines.push(e.usd === null ? `cost: unknown, ${e.priceNote}` : `cost: about $${e.usd.toFixed(e.usd < 0.01 ? 4 : 2)} at ${e.priceNote}`);
  if (e.journaled) lines.push(`resuming: ${e.journaled} of ${e.journaled + e.calls} generations are already in the journal`);
  return lines.join('\n');
}

/** On a terminal: asks. Elsewhere only --yes goes on (a CI job must not spend by default). */
async function confirm(e: Estimate, yes: boolean): Promise<boolean> {
  process.stderr.write(`${formatEstimate(e)}\n`);
  if (yes) return true;
  if (!process.stdin.isTTY) throw new InputError('init asks before it spends tokens, and this is not a terminal: pass --yes to go ahead');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question('Generate? [y/N] ')).trim());
  } finally {
    rl.close();
  }
}

export function registerInit(program: Command): void {
  program
    .command('init <source>')
    .description('make a dataset from a folder or git repository of Markdown/text/HTML documents')
    .requiredOption('-o, --out <dir>', 'dataset folder to write (must be empty or new; see --force)')
    .requiredOption('--cutoff <date>', 'training cutoff YYYY-MM-DD: fine-tuning data holds only facts valid then')
    .requiredOption('-m, --model <ref>', 'generator model <provider>:<model> (providers from --config)')
    .option('-c, --config <file>', 'config for providers, cacheDir, prices, concurrency (default: bench/default.config.ts if present)')
    .option('--per-doc <n>', 'most questions asked of each document version and kind', '3')
    .option('--name <name>', 'dataset name (default: the output folder name)')
    .option('-y, --yes', 'skip the confirmation of the cost estimate')
    .option('--force', 'write into a non-empty output folder')
    .option('--no-cache', 'bypass the response cache')
    .option('--no-history', 'read a git repository as a plain folder (no versions)')
    .option('-q, --quiet', 'no progress output')
    .action(async (source: string, o: InitCliOptions) => {
      installWarningDedup();
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const report = await runInit({
          source,
          out: o.out,
          cutoff: o.cutoff,
          model: o.model,
          config: o.config,
          perUnit: Number(o.perDoc),
          name: o.name,
          force: Boolean(o.force),
          cache: o.cache,
          history: o.history,
          confirm: (e) => confirm(e, Boolean(o.yes)),
          progress: createProgress(process.stderr, o.quiet),
          signal: controller.signal,
          command: `ragvft init ${process.argv.slice(3).join(' ')}`,
        });
        const cats = Object.entries(report.questions).map(([c, k]) => `${c} ${k}`).join(', ');
        const total = Object.values(report.questions).reduce((a, k) => a + k, 0);
        const rejected = Object.entries(report.rejections) as [Rejection, number][];
        process.stdout.write(
          [
            `wrote ${relative(process.cwd(), report.out) || '.'}`,
            `${report.documents} document versions, ${total} questions (${cats})`,
            `rejected ${rejectedItems(report.rejections)} of ${report.generatedItems} generated items${rejected.length ? ':' : ''}`,
            ...rejected.map(([r, k]) => `  ${String(k).padStart(4)}  ${r}: ${REJECTIONS[r]}`),
            `fine-tuning: ${report.finetune.plain} plain, ${report.finetune.paraphrase} paraphrase examples`,
            `model calls: ${report.usage.calls}, ${n(report.usage.input)} input and ${n(report.usage.output)} output tokens`,
            '',
          ].join('\n'),
        );
      } catch (err) {
        if (err instanceof InitDeclined || err instanceof InitIncomplete) {
          process.stderr.write(`ragvft: ${err.message}\n`);
          process.exitCode = controller.signal.aborted ? 130 : 1;
          return;
        }
        throw err;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
