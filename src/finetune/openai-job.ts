/**
 * One OpenAI fine-tuning job, start to lock entry: check and price the data, ask, upload, create
 * the job, poll it (status and events) until it ends, and record the result. The file and job ids
 * are saved (atomically) as soon as they exist, so a rerun after kill -9 polls the same job
 * instead of paying for a second one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI, { toFile } from 'openai';
import type { FineTuningJob } from 'openai/resources/fine-tuning/jobs/jobs';
import { z } from 'zod';
import type { FinetuneConfig } from '../config/schema.js';
import type { FinetuneExample } from '../dataset/schema.js';
import { splitModelRef } from '../models/registry.js';
import { InputError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { sha256 } from '../util/hash.js';
import { parseJsonText } from '../util/input.js';
import { type LockEntry, readFinetuneLock, writeLockEntry } from './lock.js';
import { autoEpochs, checkForOpenAI, uploadJsonl } from './openai-rules.js';

/** A job that ended without a model (failed or cancelled): exit 1, its error in the message. */
export class FinetuneJobError extends Error {
  override name = 'FinetuneJobError';
}

export interface CostEstimate {
  examples: number;
  tokensPerEpoch: number;
  epochs: number;
  /** Whether `epochs` is OpenAI's `auto`, estimated (the job reports the real figure). */
  epochsAuto: boolean;
  /**
   * Examples marked `restricted` (drawn from access-controlled documents): uploaded all the same,
   * as a fine-tune on an internal wiki is, but the model can then tell them to anyone who calls it.
   */
  restricted: number;
  /** USD per 1M training tokens; null when unknown. */
  pricePerM: number | null;
  usd: number | null;
}

export interface OpenAIJobOptions {
  name: string;
  entry: FinetuneConfig;
  /** Provider name in the config, recorded in the lock. */
  provider: string;
  examples: readonly FinetuneExample[];
  dataPath: string;
  client: OpenAI;
  lockPath: string;
  /** Folder of in-flight job state (under the cache dir). */
  stateDir: string;
  /** USD per 1M training tokens of the base model; null when unknown. */
  trainingPrice: number | null;
  pollIntervalMs: number;
  /** Asked before anything is spent; false: nothing is uploaded. */
  confirm: (estimate: CostEstimate) => Promise<boolean>;
  log: (line: string) => void;
  force?: boolean;
  /** Cancel the job in flight (then report it as cancelled). */
  cancel?: boolean;
}

export type OpenAIJobOutcome = { status: 'up-to-date' | 'succeeded'; entry: LockEntry } | { status: 'declined' } | { status: 'cancelled'; jobId: string };

const JobStateSchema = z.strictObject({
  datasetHash: z.string(),
  baseModel: z.string(),
  fileId: z.string(),
  jobId: z.string().optional(),
});
type JobState = z.infer<typeof JobStateSchema>;

/** The job in flight, if any. Written atomically, so a bad file was edited by hand: never guessed around. */
function readState(path: string): JobState | null {
  if (!existsSync(path)) return null;
  const parsed = JobStateSchema.safeParse(parseJsonText(readFileSync(path, 'utf8'), path));
  if (!parsed.success) throw new InputError('not a job state ragvft wrote: delete it to start anew (a job it named may still run)', { file: path });
  return parsed.data;
}

const TERMINAL = new Set<FineTuningJob['status']>(['succeeded', 'failed', 'cancelled']);
const iso = (unixSeconds: number | null) => new Date(unixSeconds === null ? Date.now() : unixSeconds * 1000).toISOString();

export async function runOpenAIFinetune(o: OpenAIJobOptions): Promise<OpenAIJobOutcome> {
  if (!o.entry.trainedFrom) throw new InputError(`finetune entry "${o.name}" needs trainedFrom (the base model, e.g. openai:gpt-4o-mini-2024-07-18)`, { field: `finetune.${o.name}.trainedFrom` });
  const base = splitModelRef(o.entry.trainedFrom).modelId;
  const check = checkForOpenAI(o.examples, o.dataPath, base, o.entry.maxExampleTokens);
  const upload = uploadJsonl(o.examples);
  const datasetHash = sha256(upload);
  const statePath = join(o.stateDir, `${o.name}.json`);

  const locked = readFinetuneLock(o.lockPath).finetunes[o.name];
  if (!o.force && !o.cancel && locked && locked.datasetHash === datasetHash && locked.baseModel === o.entry.trainedFrom) return { status: 'up-to-date', entry: locked };

  let state = readState(statePath);
  if (state && (state.datasetHash !== datasetHash || state.baseModel !== o.entry.trainedFrom)) {
    o.log(`${o.name}: unfinished job ${state.jobId ?? '(not created)'} was for other data: starting anew`);
    state = null;
  }
  if (o.cancel) {
    if (!state?.jobId) throw new InputError(`${o.name}: no job in flight to cancel (${statePath} records none)`);
    await o.client.fineTuning.jobs.cancel(state.jobId);
  }
  if (state && !state.jobId) state = { ...state, jobId: await findJobForFile(o.client, state.fileId) };
  if (!state?.jobId) {
    const epochs = o.entry.nEpochs ?? autoEpochs(check.examples);
    const trained = check.tokens * epochs;
    const estimate: CostEstimate = {
      examples: check.examples,
      tokensPerEpoch: check.tokens,
      epochs,
      epochsAuto: o.entry.nEpochs === undefined,
      restricted: o.examples.filter((ex) => ex.restricted === true).length,
      pricePerM: o.trainingPrice,
      usd: o.trainingPrice === null ? null : (trained * o.trainingPrice) / 1e6,
    };
    if (!(await o.confirm(estimate))) return { status: 'declined' };
    const fileId = state?.fileId ?? (await o.client.files.create({ file: await toFile(Buffer.from(upload), `${o.name}.jsonl`), purpose: 'fine-tune' })).id;
    await saveState(statePath, { datasetHash, baseModel: o.entry.trainedFrom, fileId });
    o.log(`${o.name}: uploaded ${fileId}; creating the job on ${base}…`);
    const job = await o.client.fineTuning.jobs.create({
      model: base,
      training_file: fileId,
      ...(o.entry.suffix ? { suffix: o.entry.suffix } : {}),
      ...(o.entry.nEpochs ? { method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: o.entry.nEpochs } } } } : {}),
      metadata: { ragvft_finetune: o.name, ragvft_dataset: datasetHash.slice(0, 16) },
    });
    state = { datasetHash, baseModel: o.entry.trainedFrom, fileId, jobId: job.id };
    await saveState(statePath, state);
  } else {
    o.log(`${o.name}: resuming job ${state.jobId}`);
  }

  o.log(`${o.name}: watching job ${state.jobId}\n  Ctrl-C stops watching, not the job: rerun to resume, --cancel to cancel`);
  const job = await pollJob(o, state.jobId!);
  await rm(statePath, { force: true });
  if (o.cancel && job.status === 'cancelled') return { status: 'cancelled', jobId: job.id };
  if (job.status !== 'succeeded') {
    const why = job.error ? `${job.error.code}: ${job.error.message}` : 'no error given';
    throw new FinetuneJobError(`${o.name}: job ${job.id} ${job.status} (${why}); rerun to start a new job`);
  }
  if (!job.fine_tuned_model || job.trained_tokens === null) throw new FinetuneJobError(`${o.name}: job ${job.id} succeeded without fine_tuned_model/trained_tokens`);
  const entry: LockEntry = {
    provider: o.provider,
    jobId: job.id,
    baseModel: o.entry.trainedFrom,
    fineTunedModel: job.fine_tuned_model,
    trainedTokens: job.trained_tokens,
    epochs: jobEpochs(job) ?? o.entry.nEpochs ?? autoEpochs(check.examples),
    datasetHash,
    fileId: state.fileId,
    createdAt: iso(job.created_at),
    finishedAt: iso(job.finished_at),
  };
  await writeLockEntry(o.lockPath, o.name, entry);
  return { status: 'succeeded', entry };
}

async function saveState(path: string, state: JobState): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(state)}\n`);
}

/** A job already created from `fileId` (the run was killed before it saved the job id). */
async function findJobForFile(client: OpenAI, fileId: string): Promise<string | undefined> {
  const page = await client.fineTuning.jobs.list({ limit: 20 });
  return page.data.find((j) => j.training_file === fileId)?.id;
}

/** Epochs the job ran, wherever this API version reports them. */
function jobEpochs(job: FineTuningJob): number | undefined {
  const n = job.method?.supervised?.hyperparameters?.n_epochs ?? job.hyperparameters?.n_epochs;
  return typeof n === 'number' ? n : undefined;
}

/** Polls until the job ends, logging status changes and each new event once, oldest first. */
async function pollJob(o: OpenAIJobOptions, jobId: string): Promise<FineTuningJob> {
  const seen = new Set<string>();
  let last = '';
  for (;;) {
    const job = await o.client.fineTuning.jobs.retrieve(jobId);
    const events = (await o.client.fineTuning.jobs.listEvents(jobId, { limit: 50 })).data;
    for (const e of [...events].reverse()) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      o.log(`  ${e.level === 'info' ? '' : `${e.level}: `}${e.message}`.slice(0, 99));
    }
    const line = `${o.name}: job ${job.id} ${job.status}${job.trained_tokens ? `, ${job.trained_tokens.toLocaleString('en-US')} tokens trained` : ''}`;
    if (line !== last) o.log(line);
    last = line;
    if (TERMINAL.has(job.status)) return job;
    await sleep(o.pollIntervalMs);
  }
}
