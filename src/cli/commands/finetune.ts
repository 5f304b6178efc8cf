import { createInterface } from 'node:readline/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import OpenAI from 'openai';
import { DEFAULT_CONFIG, loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { loadDataset, loadFinetuneData } from '../../dataset/load.js';
import type { Dataset } from '../../dataset/schema.js';
import { DEFAULT_EXPORT_BASE, exportForLora } from '../../finetune/export.js';
import { type CostEstimate, FinetuneJobError, type OpenAIJobOutcome, runOpenAIFinetune } from '../../finetune/openai-job.js';
import { ensureLocalFinetune } from '../../models/finetune.js';
import { PRICES_AS_OF, lookupPrice } from '../../models/prices.js';
import { BUILTIN_PROVIDERS, credentials, splitModelRef } from '../../models/registry.js';
import { InputError } from '../../util/errors.js';

interface FinetuneOptions {
  config: string;
  name?: string;
  force?: boolean;
  provider?: string;
  yes?: boolean;
  pollInterval: string;
  cancel?: boolean;
  export?: string;
  baseModel: string;
}

export function registerFinetune(program: Command): void {
  program
    .command('finetune')
    .description('train the fine-tuned model(s) named under `finetune` in the config (local by default)')
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG)
    .option('-n, --name <name>', 'only this finetune entry')
    .option('-f, --force', 'retrain even if a model for the same data and settings exists')
    .option('--provider <name>', 'run the entries with this provider (type openai) as fine-tuning jobs there')
    .option('-y, --yes', 'start provider jobs without asking (needed when not on a terminal)')
    .option('--poll-interval <ms>', 'time between two looks at a provider job', '10000')
    .option('--cancel', 'cancel the provider job in flight for the entry')
    .option('--export <dir>', 'write the data for open-model LoRA trainers (TRL, Axolotl, Unsloth) instead')
    .option('--base-model <id>', 'open base model named in the --export commands', DEFAULT_EXPORT_BASE)
    .action(async (o: FinetuneOptions) => {
      const { config, datasetPath } = await loadConfig(o.config);
      const dataset = await loadDataset(datasetPath);
      if (o.name && !config.finetune[o.name]) throw new InputError(`no finetune entry "${o.name}" in ${o.config}`);
      if (o.export) return exportEntries(o, config, dataset);
      if (o.provider) return providerEntries(o, config, dataset);
      if (o.cancel || o.yes) throw new InputError(`${o.cancel ? '--cancel' : '--yes'} is for provider jobs: add --provider <name>`);
      const remote = o.name ? config.finetune[o.name]!.provider : undefined;
      if (remote) throw new InputError(`finetune entry "${o.name}" runs at provider "${remote}": add --provider ${remote}`, { field: `finetune.${o.name}` });
      // Entries with `model` describe fine-tunes made elsewhere, entries with `provider` run there.
      const names = o.name ? [o.name] : Object.keys(config.finetune).filter((n) => !config.finetune[n]!.model && !config.finetune[n]!.provider);
      for (const name of names) {
        const { dir, manifest, trained } = await ensureLocalFinetune(name, config, dataset, { force: o.force, log: (m) => process.stderr.write(`${m}\n`) });
        process.stdout.write(`local:${name}: ${trained ? 'trained' : 'up to date'} — ${manifest.examples} examples, ${manifest.trainingTokens} tokens × ${manifest.epochs} epochs, ${manifest.seconds.toFixed(1)} s — ${dir}\n`);
      }
    });
}

async function exportEntries(o: FinetuneOptions, config: Config, dataset: Dataset): Promise<void> {
  for (const name of o.name ? [o.name] : Object.keys(config.finetune)) {
    const ft = config.finetune[name]!;
    const data = await loadFinetuneData(dataset, ft.data);
    const r = await exportForLora(name, data.examples, o.export!, { base: o.baseModel, epochs: ft.nEpochs });
    process.stdout.write(`${name}: ${data.examples.length} examples (~${r.tokensPerEpoch} tokens per epoch) in ${r.dir}\n`);
    process.stdout.write(`  commands to train and serve: ${resolve(r.dir, 'README.md')}\n  once served by vLLM, record it in the config:\n`);
    process.stdout.write(`${r.configSnippet.replace(/^/gm, '    ')}\n`);
  }
}

async function providerEntries(o: FinetuneOptions, config: Config, dataset: Dataset): Promise<void> {
  const provider = o.provider!;
  const p = { ...BUILTIN_PROVIDERS, ...config.providers }[provider];
  if (!p) throw new InputError(`no provider "${provider}" in ${o.config}`, { field: 'providers' });
  if (p.type !== 'openai') throw new InputError(`provider "${provider}" is of type ${p.type}: fine-tuning jobs need type openai (for open models use --export)`, { field: `providers.${provider}` });
  const names = o.name ? [o.name] : Object.keys(config.finetune).filter((n) => config.finetune[n]!.provider === provider);
  if (names.length === 0) throw new InputError(`no finetune entry has provider "${provider}" (add one with data, provider and trainedFrom)`, { field: 'finetune' });
  const pollIntervalMs = Number(o.pollInterval);
  if (!Number.isFinite(pollIntervalMs) || pollIntervalMs < 0) throw new InputError(`--poll-interval must be a number of milliseconds (got "${o.pollInterval}")`);
  const client = new OpenAI({ apiKey: credentials(provider, p, process.env) ?? 'none', baseURL: p.baseURL, defaultHeaders: p.headers, maxRetries: config.generation.maxRetries });
  const log = (m: string) => process.stderr.write(`${m}\n`);
  for (const name of names) {
    const entry = config.finetune[name]!;
    if (entry.provider !== provider) throw new InputError(`finetune entry "${name}" has no provider "${provider}"`, { field: `finetune.${name}.provider` });
    const data = await loadFinetuneData(dataset, entry.data);
    const price = entry.trainedFrom ? lookupPrice(entry.trainedFrom, { overrides: config.cost.prices, providerType: 'openai' }) : null;
    const base = entry.trainedFrom ? splitModelRef(entry.trainedFrom).modelId : '';
    let outcome: OpenAIJobOutcome;
    try {
      outcome = await runOpenAIFinetune({
        name,
        entry,
        provider,
        examples: data.examples,
        dataPath: data.path,
        client,
        lockPath: config.finetuneLock,
        stateDir: resolve(config.cacheDir, 'provider-finetunes'),
        trainingPrice: price?.price?.training ?? null,
        pollIntervalMs,
        confirm: (e) => confirmSpend(name, e, `${base}, ${price?.source === 'config' ? 'config price' : `prices of ${PRICES_AS_OF}`}`, o.yes),
        log,
        force: o.force,
        cancel: o.cancel,
      });
    } catch (err) {
      if (err instanceof FinetuneJobError || err instanceof OpenAI.APIError) {
        process.stderr.write(`ragvft: ${err instanceof OpenAI.APIError ? `${name}: ${provider} answered ${err.status ?? 'no status'}: ${err.message}` : err.message}\n`);
        process.exitCode = 1;
        return;
      }
      throw err;
    }
    if (outcome.status === 'declined') {
      process.stdout.write(`${name}: not started, nothing spent\n`);
      process.exitCode = 1;
    } else if (outcome.status === 'cancelled') {
      process.stdout.write(`${name}: job ${outcome.jobId} cancelled\n`);
    } else {
      const e = outcome.entry;
      process.stdout.write(`${provider}:${name}: ${outcome.status === 'succeeded' ? 'trained' : 'up to date'} — ${fmtInt(e.trainedTokens)} tokens trained (${e.epochs} epochs)\n`);
      process.stdout.write(`  model ${e.fineTunedModel} (pipelines: finetune:${name})\n  recorded in ${config.finetuneLock}\n`);
    }
  }
}

const fmtInt = (n: number) => n.toLocaleString('en-US');

/** Prints the estimate and asks (on a terminal), unless --yes; elsewhere refuses with a hint. */
async function confirmSpend(name: string, e: CostEstimate, priceFrom: string, yes: boolean | undefined): Promise<boolean> {
  const epochs = `${e.epochs} epochs${e.epochsAuto ? ' (auto, estimated)' : ''}`;
  const usd = e.usd === null ? 'cost unknown (no training price: set cost.prices)' : `≈ $${e.usd.toFixed(4)}`;
  process.stdout.write(`${name}: ${fmtInt(e.examples)} examples, ${fmtInt(e.tokensPerEpoch)} tokens per epoch × ${epochs}\n`);
  process.stdout.write(`  = ${fmtInt(e.tokensPerEpoch * e.epochs)} training tokens${e.pricePerM === null ? '' : ` × $${e.pricePerM}/1M (${priceFrom})`} ${usd}\n`);
  if (e.restricted > 0) {
    process.stdout.write(`  warning: ${fmtInt(e.restricted)} examples come from access-restricted documents; the model\n`);
    process.stdout.write(`  can repeat them to anyone who may call it, whatever retrieval allows (see leakRate)\n`);
  }
  if (yes) return true;
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new InputError(`${name}: not a terminal, so not asking: pass --yes to start the job and spend ${e.usd === null ? 'an unknown amount' : `about $${e.usd.toFixed(2)}`}`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question('Start the fine-tuning job? [y/N] ')).trim());
  } finally {
    rl.close();
  }
}
