/**
 * The lock file of provider fine-tunes (`bench/finetunes.lock.json` by default, committed): what
 * each finished job produced, so `bench` takes the model id and the billed training tokens from
 * it instead of hand-copied numbers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import { InputError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { describeZodError, parseJsonText } from '../util/input.js';

export const FINETUNE_LOCK_VERSION = 1;

/** The reserved provider of pipeline models that name a lock entry: `finetune:<name>`. */
export const LOCKED_PREFIX = 'finetune:';

export const LockEntrySchema = z.strictObject({
  /** Provider name in the config (type openai). */
  provider: z.string().min(1),
  jobId: z.string().min(1),
  /** `<provider>:<base model>`, as in the entry's trainedFrom. */
  baseModel: z.string().min(1),
  /** The provider's id of the fine-tuned model (OpenAI `fine_tuned_model`). */
  fineTunedModel: z.string().min(1),
  /** Tokens the provider billed: all epochs (OpenAI `trained_tokens`). */
  trainedTokens: z.number().int().nonnegative(),
  epochs: z.number().int().positive(),
  /** sha256 of the uploaded JSONL (messages only). */
  datasetHash: z.string().regex(/^[0-9a-f]{64}$/),
  fileId: z.string().min(1),
  createdAt: z.string().datetime(),
  finishedAt: z.string().datetime(),
});
export type LockEntry = z.infer<typeof LockEntrySchema>;

export const FinetuneLockSchema = z.strictObject({
  version: z.literal(FINETUNE_LOCK_VERSION),
  finetunes: z.record(z.string(), LockEntrySchema),
});
export type FinetuneLock = z.infer<typeof FinetuneLockSchema>;

/** The lock at `path`; an empty one when the file does not exist. */
export function readFinetuneLock(path: string): FinetuneLock {
  if (!existsSync(path)) return { version: FINETUNE_LOCK_VERSION, finetunes: {} };
  const parsed = FinetuneLockSchema.safeParse(parseJsonText(readFileSync(path, 'utf8'), path));
  if (!parsed.success) {
    const { field, message } = describeZodError(parsed.error);
    throw new InputError(`${message} (the lock is written by \`ragvft finetune --provider\`)`, { file: path, field });
  }
  return parsed.data;
}

/** Records `entry` under `name`, keys sorted so the committed file diffs cleanly. */
export async function writeLockEntry(path: string, name: string, entry: LockEntry): Promise<void> {
  const lock = readFinetuneLock(path);
  const finetunes = Object.fromEntries(Object.entries({ ...lock.finetunes, [name]: entry }).sort(([a], [b]) => a.localeCompare(b)));
  await writeFileAtomic(path, `${JSON.stringify({ version: FINETUNE_LOCK_VERSION, finetunes }, null, 2)}\n`);
}

/** `finetune:<name>` -> `<provider>:<fine-tuned model>` from the lock; any other ref unchanged. */
export function resolveLockedRef(ref: string, config: Pick<Config, 'finetune' | 'finetuneLock'>): string {
  if (!ref.startsWith(LOCKED_PREFIX)) return ref;
  const name = ref.slice(LOCKED_PREFIX.length);
  const ft = config.finetune[name];
  if (!ft?.provider) throw new InputError(`model "${ref}": no finetune entry "${name}" with a provider in the config`, { field: 'pipelines' });
  const entry = readFinetuneLock(config.finetuneLock).finetunes[name];
  if (!entry) throw new InputError(`model "${ref}": ${config.finetuneLock} has no entry "${name}"; run \`ragvft finetune --provider ${ft.provider} --name ${name}\``, { field: 'pipelines' });
  return `${entry.provider}:${entry.fineTunedModel}`;
}

/** The lock entry (and its config name) whose fine-tuned model is `ref`, if any. */
export function lockedEntryFor(ref: string, config: Pick<Config, 'finetune' | 'finetuneLock'>): { name: string; entry: LockEntry } | null {
  const lock = readFinetuneLock(config.finetuneLock);
  for (const [name, entry] of Object.entries(lock.finetunes)) {
    if (config.finetune[name]?.provider && `${entry.provider}:${entry.fineTunedModel}` === ref) return { name, entry };
  }
  return null;
}
