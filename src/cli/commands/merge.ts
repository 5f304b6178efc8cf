/**
 * `ragvft merge <shard results…>`: one result from the shards of a `bench --shard i/n` run.
 * Shards of different runs, a missing or repeated shard, or pairs not covered exactly once are
 * bad input (exit 2, nothing written).
 */
import { relative } from 'node:path';
import { type Command, Option } from 'commander';
import { mergeShards } from '../../merge/merge.js';
import { RESULT_LAYOUTS, type ResultLayout } from '../../results/write.js';
import { assertWritableDir } from '../../util/fs.js';
import { usageErrorToInputError } from './compare.js';

interface MergeCliOptions {
  outDir: string;
  layout: ResultLayout;
}

export function registerMerge(program: Command): Command {
  return program
    .command('merge')
    .description('Merge the results of bench --shard 1/n … n/n into one result, its figures computed over all records')
    .argument('<results...>', 'result JSON of every shard')
    .option('-o, --out-dir <dir>', 'where the merged result goes (also as latest.json)', 'results')
    .addOption(new Option('--layout <layout>', 'result files: single JSON, or a summary JSON beside a JSONL of records').choices(RESULT_LAYOUTS).default('auto'))
    .configureOutput({ outputError: () => {} })
    .exitOverride(usageErrorToInputError)
    .action(async (files: string[], opts: MergeCliOptions) => {
      assertWritableDir(opts.outDir, 'the results folder');
      const merged = await mergeShards(files, { outDir: opts.outDir, layout: opts.layout });
      process.stdout.write(`merged ${merged.shards} shards (${merged.records} records) into ${relative(process.cwd(), merged.path)}\n`);
    });
}
