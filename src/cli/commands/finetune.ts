import type { Command } from 'commander';
import { DEFAULT_CONFIG, loadConfig } from '../../config/load.js';
import { loadDataset } from '../../dataset/load.js';
import { ensureLocalFinetune } from '../../models/finetune.js';
import { InputError } from '../../util/errors.js';

export function registerFinetune(program: Command): void {
  program
    .command('finetune')
    .description('train the local fine-tuned model(s) named under `finetune` in the config')
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG)
    .option('-n, --name <name>', 'only this finetune entry')
    .option('-f, --force', 'retrain even if weights for the same data and settings exist')
    .action(async (o: { config: string; name?: string; force?: boolean }) => {
      const { config, datasetPath } = await loadConfig(o.config);
      const dataset = await loadDataset(datasetPath);
      // Entries with `model` describe remote fine-tunes (bookkeeping only): nothing to train here.
      const names = o.name ? [o.name] : Object.keys(config.finetune).filter((n) => !config.finetune[n]!.model);
      if (o.name && !config.finetune[o.name]) throw new InputError(`no finetune entry "${o.name}" in ${o.config}`);
      for (const name of names) {
        const { dir, manifest, trained } = await ensureLocalFinetune(name, config, dataset, { force: o.force, log: (m) => process.stderr.write(`${m}\n`) });
        process.stdout.write(`local:${name}: ${trained ? 'trained' : 'up to date'} — ${manifest.examples} examples, ${manifest.trainingTokens} tokens × ${manifest.epochs} epochs, ${manifest.seconds.toFixed(1)} s — ${dir}\n`);
      }
    });
}
