import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type Config, type FinetuneConfig, FinetuneSchema } from '../config/schema.js';
import { loadFinetuneData } from '../dataset/load.js';
import type { Dataset } from '../dataset/schema.js';
import { type LockEntry, lockedEntryFor } from '../finetune/lock.js';
import { uploadJsonl } from '../finetune/openai-rules.js';
import { InputError } from '../util/errors.js';
import { hashObject, sha256 } from '../util/hash.js';
import { countTokens } from './local/text.js';
import { type LocalBackend, sharedLocalBackend } from './local/pool.js';
import { loadLocalFinetune, saveLocalFinetune } from './local/train.js';
import { lookupPrice } from './prices.js';
import { isLocal, splitModelRef } from './registry.js';

export interface FinetuneInfo {
  /** One-off training cost; null when unknown (never guessed as 0). */
  usd: number | null;
  /** Local training CPU seconds (0 for remote fine-tunes). */
  seconds: number;
  trainingTokens: number | null;
  epochs: number | null;
}

export interface LocalFinetuneManifest {
  name: string;
  dataPath: string;
  dataHash: string;
  examples: number;
  trainingTokens: number;
  epochs: number;
  seconds: number;
  classes: number;
  params: Omit<FinetuneConfig, 'data'>;
}

/** The config slice local training reads: the `finetune` entries and where weights are cached. */
export type LocalFinetuneInputs = Pick<Config, 'finetune' | 'cacheDir'>;

/** The config slice training-cost accounting reads: the `finetune` entries and price overrides. */
export interface FinetuneCostInputs {
  finetune: Config['finetune'];
  cost: Pick<Config['cost'], 'prices'>;
  /** Lock file of provider fine-tunes; absent: none is consulted. */
  finetuneLock?: string;
}

const nonNegInt = z.number().int().nonnegative();
export const LocalFinetuneManifestSchema = z.strictObject({
  name: z.string().min(1),
  dataPath: z.string(),
  dataHash: z.string().min(1),
  examples: nonNegInt,
  trainingTokens: nonNegInt,
  epochs: z.number().int().positive(),
  seconds: z.number().nonnegative(),
  classes: nonNegInt,
  params: FinetuneSchema.omit({ data: true }),
}) satisfies z.ZodType<LocalFinetuneManifest>;

/**
 * The stored fine-tune in `dir` if it is complete and sound (manifest valid and for this data,
 * weights loadable), else why not: a torn or corrupted cache folder is retrained, never trusted.
 */
async function readStoredFinetune(dir: string, name: string, dataHash: string): Promise<{ manifest: LocalFinetuneManifest } | { reason: string }> {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath) || !existsSync(join(dir, 'weights.json'))) return { reason: 'not trained yet' };
  let json: unknown;
  try {
    json = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (e) {
    return { reason: `manifest.json unreadable (${(e as Error).message})` };
  }
  const parsed = LocalFinetuneManifestSchema.safeParse(json);
  if (!parsed.success) return { reason: `manifest.json invalid (${parsed.error.issues[0]?.path.join('.') || 'root'}: ${parsed.error.issues[0]?.message})` };
  if (parsed.data.name !== name || parsed.data.dataHash !== dataHash) return { reason: 'manifest.json is for other data' };
  try {
    await loadLocalFinetune(dir);
  } catch (e) {
    return { reason: (e as Error).message };
  }
  return { manifest: parsed.data };
}

/** Folder of a local fine-tune: keyed by its data and hyper-parameters, so any change retrains. */
async function finetuneDir(cacheDir: string, name: string, ft: FinetuneConfig, dataset: Dataset) {
  const data = await loadFinetuneData(dataset, ft.data);
  const dataHash = sha256(await readFile(data.path));
  const key = hashObject({ dataHash, ft: { ...ft, data: undefined }, v: 1 }).slice(0, 12);
  return { dir: join(cacheDir, 'finetunes', `${name}-${key}`), data, dataHash };
}

/**
 * Trains the local fine-tune `name` unless weights for the same data and settings exist (or
 * `force`). Returns the weights folder and its manifest. Training runs off the calling thread's
 * event loop (a local-model worker, or inline in slices), so an abort of `signal` (Ctrl-C) stops
 * it promptly: the promise rejects with the signal's reason and nothing is saved.
 */
export async function ensureLocalFinetune(
  name: string,
  config: LocalFinetuneInputs,
  dataset: Dataset,
  opts: { force?: boolean; log?: (msg: string) => void; signal?: AbortSignal; backend?: LocalBackend } = {},
): Promise<{ dir: string; manifest: LocalFinetuneManifest; trained: boolean }> {
  const ft = config.finetune[name];
  if (!ft) throw new InputError(`model "local:${name}" has no entry "${name}" under finetune in the config`);
  const { dir, data, dataHash } = await finetuneDir(config.cacheDir, name, ft, dataset);
  if (!opts.force) {
    const stored = await readStoredFinetune(dir, name, dataHash);
    if ('manifest' in stored) return { dir, manifest: stored.manifest, trained: false };
    if (existsSync(dir)) opts.log?.(`retraining local:${name}: stored fine-tune in ${dir} is unusable: ${stored.reason}`);
  }
  opts.log?.(`fine-tuning local:${name} on ${data.examples.length} examples (${ft.epochs} epochs)…`);
  const backend = opts.backend ?? sharedLocalBackend();
  const { weights, stats } = await backend.train(data.examples, { epochs: ft.epochs, learningRate: ft.learningRate, features: ft.features, seed: ft.seed }, opts.signal);
  const { data: _d, ...params } = ft;
  const manifest: LocalFinetuneManifest = { name, dataPath: data.path, dataHash, ...stats, params };
  await saveLocalFinetune(dir, weights, manifest);
  opts.log?.(`fine-tuned local:${name}: ${stats.classes} answers, ${stats.trainingTokens} tokens/epoch, ${stats.seconds.toFixed(1)} s`);
  return { dir, manifest, trained: true };
}

/**
 * Training cost of the model behind a pipeline: local fine-tunes cost CPU seconds, not dollars;
 * a remote fine-tune is priced from its `finetune` entry (training tokens x epochs x price of
 * the model it was trained from); a base model costs nothing to train.
 */
export async function finetuneCost(
  modelRef: string,
  config: FinetuneCostInputs,
  dataset: Dataset,
  local: Map<string, LocalFinetuneManifest>,
  warn: (msg: string) => void,
): Promise<FinetuneInfo> {
  const { modelId } = splitModelRef(modelRef);
  if (isLocal(modelRef)) {
    const m = local.get(modelId);
    return m ? { usd: 0, seconds: m.seconds, trainingTokens: m.trainingTokens, epochs: m.epochs } : { usd: 0, seconds: 0, trainingTokens: null, epochs: null };
  }
  const locked = config.finetuneLock ? lockedEntryFor(modelRef, { finetune: config.finetune, finetuneLock: config.finetuneLock }) : null;
  if (locked) return lockedCost(modelRef, locked, config, dataset, warn);
  const entry = Object.values(config.finetune).find((f) => f.model === modelRef);
  if (!entry) {
    if (modelId.startsWith('ft:')) warn(`${modelRef}: fine-tuning cost unknown (add a finetune entry with model, trainedFrom and data): reported as null`);
    return { usd: modelId.startsWith('ft:') ? null : 0, seconds: 0, trainingTokens: null, epochs: null };
  }
  let tokens = entry.trainingTokens;
  if (tokens === undefined) {
    const data = await loadFinetuneData(dataset, entry.data);
    tokens = data.examples.reduce((a, ex) => a + ex.messages.reduce((b, m) => b + countTokens(m.content), 0), 0);
    warn(`${modelRef}: training tokens estimated with ragvft's word tokenizer (${tokens}); set finetune.*.trainingTokens from the provider's bill for an exact figure`);
  }
  const price = entry.trainedFrom ? lookupPrice(entry.trainedFrom, { overrides: config.cost.prices }).price : null;
  if (price?.training === undefined || price === null) {
    warn(`${modelRef}: no training price for ${entry.trainedFrom ?? '(trainedFrom not set)'}: fine-tuning cost reported as null`);
    return { usd: null, seconds: 0, trainingTokens: tokens, epochs: entry.epochs };
  }
  return { usd: (tokens * entry.epochs * price.training) / 1e6, seconds: 0, trainingTokens: tokens, epochs: entry.epochs };
}

/**
 * A provider fine-tune recorded in the lock: the provider's billed tokens (all epochs) at the base
 * model's training price. Warns when the data changed since: the model was trained on other data.
 */
async function lockedCost(modelRef: string, locked: { name: string; entry: LockEntry }, config: FinetuneCostInputs, dataset: Dataset, warn: (msg: string) => void): Promise<FinetuneInfo> {
  const { name, entry } = locked;
  const data = await loadFinetuneData(dataset, config.finetune[name]!.data);
  if (sha256(uploadJsonl(data.examples)) !== entry.datasetHash) {
    warn(`${modelRef}: stale fine-tune: the data of finetune "${name}" changed since job ${entry.jobId}; rerun \`ragvft finetune --provider ${entry.provider} --name ${name}\``);
  }
  const trainingTokens = Math.round(entry.trainedTokens / entry.epochs);
  const price = lookupPrice(entry.baseModel, { overrides: config.cost.prices, providerType: 'openai' }).price;
  if (price?.training === undefined) {
    warn(`${modelRef}: no training price for ${entry.baseModel}: fine-tuning cost reported as null`);
    return { usd: null, seconds: 0, trainingTokens, epochs: entry.epochs };
  }
  return { usd: (entry.trainedTokens * price.training) / 1e6, seconds: 0, trainingTokens, epochs: entry.epochs };
}
