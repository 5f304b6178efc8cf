/**
 * `ragvft finetune --provider openai` against a loopback fake of the Files and Fine-tuning APIs,
 * with the official `openai` client: success, failure, cancellation, slow polling, 429 on create,
 * resuming after a kill (in process and with the real CLI under SIGKILL), and the spend prompt.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FinetuneSchema } from '../src/config/schema.js';
import { type FinetuneExample, FinetuneExampleSchema } from '../src/dataset/schema.js';
import { readFinetuneLock } from '../src/finetune/lock.js';
import { type CostEstimate, FinetuneJobError, type OpenAIJobOptions, runOpenAIFinetune } from '../src/finetune/openai-job.js';
import { autoEpochs, checkForOpenAI, uploadJsonl } from '../src/finetune/openai-rules.js';
import { sha256 } from '../src/util/hash.js';
import { type FakeFinetuneServer, type FtScenario, startFakeFinetuneServer } from './helpers/openai-finetune-server.js';

const BASE = 'gpt-4o-mini-2024-07-18';
const PRICE = 3; // USD per 1M training tokens, passed in: the estimate must use it
const examples: FinetuneExample[] = Array.from({ length: 12 }, (_, i) =>
  FinetuneExampleSchema.parse({
    messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: `Who is the mayor of town ${i}?` }, { role: 'assistant', content: `Mayor ${i}` }],
    sourceDocIds: [`doc-${i}`],
    restricted: i % 2 === 0,
  }),
);

let server: FakeFinetuneServer;
let work: string;

beforeAll(async () => {
  server = await startFakeFinetuneServer({ outcome: 'succeeded', polls: 3 });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const posts = (path: string) => server.requests.filter((r) => r.method === 'POST' && r.path === path).length;

function setup(scenario: FtScenario, over: Partial<OpenAIJobOptions> = {}) {
  work = mkdtempSync(join(tmpdir(), 'ragvft-oaift-'));
  server.setScenario(scenario);
  const logs: string[] = [];
  const estimates: CostEstimate[] = [];
  const opts: OpenAIJobOptions = {
    name: 'ft-oa',
    entry: FinetuneSchema.parse({ data: 'x.jsonl', provider: 'openai', trainedFrom: `openai:${BASE}`, suffix: 'town' }),
    provider: 'openai',
    examples,
    dataPath: 'x.jsonl',
    client: new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 2 }),
    lockPath: join(work, 'finetunes.lock.json'),
    stateDir: join(work, 'state'),
    trainingPrice: PRICE,
    pollIntervalMs: 5,
    confirm: async (e) => {
      estimates.push(e);
      return true;
    },
    log: (l) => logs.push(l),
    ...over,
  };
  return { opts, logs, estimates, statePath: join(work, 'state', 'ft-oa.json') };
}

describe('runOpenAIFinetune', () => {
  it('prices, uploads messages only, polls to success and writes the lock; a rerun spends nothing', async () => {
    const before = { files: server.files.length, jobs: server.jobs().length };
    const { opts, logs, estimates, statePath } = setup({ outcome: 'succeeded', polls: 4, tokensPerEpoch: 777 });
    const out = await runOpenAIFinetune(opts);

    const tokens = checkForOpenAI(examples, 'x', BASE).tokens;
    const epochs = autoEpochs(examples.length);
    // Half the examples (the even towns) are marked restricted: counted for the warning, uploaded all the same.
    expect(estimates).toEqual([{ examples: 12, tokensPerEpoch: tokens, epochs, epochsAuto: true, restricted: 6, pricePerM: PRICE, usd: (tokens * epochs * PRICE) / 1e6 }]);

    const file = server.files.at(-1)!;
    expect(server.files.length).toBe(before.files + 1);
    expect(file.purpose).toBe('fine-tune');
    expect(file.content.trim().split('\n').map((l) => Object.keys(JSON.parse(l) as object))).toEqual(examples.map(() => ['messages']));

    const job = server.jobs().at(-1)!;
    expect(server.jobs().length).toBe(before.jobs + 1);
    expect(job).toMatchObject({ model: BASE, training_file: file.id, suffix: 'town', status: 'succeeded' });
    const lock = readFinetuneLock(opts.lockPath);
    expect(lock.finetunes['ft-oa']).toMatchObject({
      provider: 'openai',
      jobId: job.id,
      baseModel: `openai:${BASE}`,
      fineTunedModel: job.fine_tuned_model,
      trainedTokens: job.trained_tokens,
      epochs: (job.hyperparameters as { n_epochs: number }).n_epochs,
      datasetHash: sha256(file.content),
      fileId: file.id,
    });
    expect(out).toEqual({ status: 'succeeded', entry: lock.finetunes['ft-oa'] });
    expect(existsSync(statePath)).toBe(false);
    // Each event of the job is shown once, oldest first.
    const ev = logs.filter((l) => l.startsWith('  '));
    expect(ev[0]).toContain('Created fine-tuning job');
    expect(ev.at(-1)).toContain('successfully completed');
    expect(new Set(ev).size).toBe(ev.length);

    const creates = posts('/v1/fine_tuning/jobs');
    const again = await runOpenAIFinetune({ ...opts, confirm: async () => expect.fail('asked again') });
    expect(again.status).toBe('up-to-date');
    expect(posts('/v1/fine_tuning/jobs')).toBe(creates);
  });

  it('changed data is not up to date: a new job, and a job in flight for the old data is not resumed', async () => {
    const { opts, estimates, statePath } = setup({ outcome: 'succeeded', polls: 1 });
    await runOpenAIFinetune(opts);
    const more = [...examples, examples[0]!];
    // A job for the old data left in flight (its run was killed): the new data must not resume it.
    mkdirSync(join(work, 'state'), { recursive: true });
    writeFileSync(statePath, JSON.stringify({ datasetHash: sha256(uploadJsonl(examples)), baseModel: `openai:${BASE}`, fileId: 'file-old', jobId: 'ftjob-old' }));
    const jobs = server.jobs().length;
    const out = await runOpenAIFinetune({ ...opts, examples: more });
    expect(estimates).toHaveLength(2);
    expect(server.jobs().length).toBe(jobs + 1);
    expect(out.status === 'succeeded' && out.entry.datasetHash).toBe(sha256(uploadJsonl(more)));
    expect(readFinetuneLock(opts.lockPath).finetunes['ft-oa']!.datasetHash).toBe(sha256(uploadJsonl(more)));
  });

  it('passes n_epochs when the entry sets it, and the estimate uses it', async () => {
    const { opts, estimates } = setup({ outcome: 'succeeded', polls: 1 });
    opts.entry = { ...opts.entry, nEpochs: 2 };
    const out = await runOpenAIFinetune(opts);
    expect(estimates[0]).toMatchObject({ epochs: 2, epochsAuto: false });
    expect(out.status === 'succeeded' && out.entry.epochs).toBe(2);
  });

  it('reports a failed job with its error code and message, writes no lock, and forgets the job', async () => {
    const { opts, statePath } = setup({ outcome: 'failed', polls: 2, error: { code: 'invalid_file_format', message: 'Line 3 is not valid' } });
    await expect(runOpenAIFinetune(opts)).rejects.toThrow(FinetuneJobError);
    await expect(runOpenAIFinetune({ ...opts, confirm: async () => true })).rejects.toThrow(/failed \(invalid_file_format: Line 3 is not valid\)/);
    expect(existsSync(opts.lockPath)).toBe(false);
    expect(existsSync(statePath)).toBe(false);
  });

  it('reports a job cancelled at the provider', async () => {
    const { opts } = setup({ outcome: 'cancelled', polls: 2 });
    await expect(runOpenAIFinetune(opts)).rejects.toThrow(/ftjob-\d+ cancelled/);
    expect(existsSync(opts.lockPath)).toBe(false);
  });

  it('--cancel cancels the job in flight: the poller sees it end, the canceller reports it', async () => {
    const { opts, statePath } = setup({ outcome: 'succeeded', polls: 1e9 });
    const running = runOpenAIFinetune(opts);
    const failed = expect(running).rejects.toThrow(/cancelled/);
    while (!(existsSync(statePath) && JSON.parse(readFileSync(statePath, 'utf8')).jobId)) await new Promise((r) => setTimeout(r, 5));
    const jobId = JSON.parse(readFileSync(statePath, 'utf8')).jobId as string;
    expect(await runOpenAIFinetune({ ...opts, cancel: true })).toEqual({ status: 'cancelled', jobId });
    await failed;
    expect(server.requests.some((r) => r.path === `/v1/fine_tuning/jobs/${jobId}/cancel`)).toBe(true);
  });

  it('slow polling: one retrieve per poll, no client retry, each event once', async () => {
    const { opts, logs } = setup({ outcome: 'succeeded', polls: 4, retrieveDelayMs: 150 }, { pollIntervalMs: 0 });
    const out = await runOpenAIFinetune(opts);
    const jobId = out.status === 'succeeded' ? out.entry.jobId : '';
    expect(server.requests.filter((r) => r.method === 'GET' && r.path === `/v1/fine_tuning/jobs/${jobId}`).length).toBe(4);
    const statuses = logs.filter((l) => l.startsWith('ft-oa: job')).map((l) => l.split(' ')[3]);
    expect(statuses).toEqual(['validating_files', 'running', 'succeeded,']);
  });

  it('429 on create: the client honours retry-after-ms and retries; one job is created', async () => {
    const before = { creates: posts('/v1/fine_tuning/jobs'), jobs: server.jobs().length };
    const { opts } = setup({ outcome: 'succeeded', polls: 1, createRateLimits: 2, retryAfterMs: 30 });
    const out = await runOpenAIFinetune(opts);
    expect(out.status).toBe('succeeded');
    expect(posts('/v1/fine_tuning/jobs') - before.creates).toBe(3);
    expect(server.jobs().length - before.jobs).toBe(1);
  });

  it('429s past the retries: the uploaded file is kept and reused by the rerun', async () => {
    const { opts, statePath } = setup({ outcome: 'succeeded', polls: 1, createRateLimits: 2, retryAfterMs: 5 });
    const files = server.files.length;
    await expect(runOpenAIFinetune({ ...opts, client: new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 1 }) })).rejects.toMatchObject({ status: 429 });
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toMatchObject({ fileId: server.files.at(-1)!.id });
    expect((await runOpenAIFinetune(opts)).status).toBe('succeeded');
    expect(server.files.length).toBe(files + 1);
  });

  it('adopts a job created before the run was killed, found by its training file, without asking', async () => {
    const { opts, statePath } = setup({ outcome: 'succeeded', polls: 2 });
    const file = await opts.client.files.create({ file: await toFile(Buffer.from(uploadJsonl(examples)), 'x.jsonl'), purpose: 'fine-tune' });
    const job = await opts.client.fineTuning.jobs.create({ model: BASE, training_file: file.id });
    mkdirSync(join(work, 'state'), { recursive: true });
    writeFileSync(statePath, JSON.stringify({ datasetHash: sha256(uploadJsonl(examples)), baseModel: `openai:${BASE}`, fileId: file.id }));
    const jobs = server.jobs().length;
    const out = await runOpenAIFinetune({ ...opts, confirm: async () => expect.fail('asked before polling a job already paid for') });
    expect(out.status === 'succeeded' && out.entry.jobId).toBe(job.id);
    expect(server.jobs().length).toBe(jobs);
  });

  it('a job state file not written by ragvft is bad input, never guessed around', async () => {
    const { opts, statePath } = setup({ outcome: 'succeeded', polls: 1 });
    mkdirSync(join(work, 'state'), { recursive: true });
    writeFileSync(statePath, '{"jobId": 7}');
    const jobs = server.jobs().length;
    await expect(runOpenAIFinetune(opts)).rejects.toThrow(/ft-oa\.json: not a job state ragvft wrote/);
    expect(server.jobs().length).toBe(jobs);
  });

  it('declined: nothing is uploaded', async () => {
    const files = server.files.length;
    const { opts } = setup({ outcome: 'succeeded', polls: 1 }, { confirm: async () => false });
    expect(await runOpenAIFinetune(opts)).toEqual({ status: 'declined' });
    expect(server.files.length).toBe(files);
  });
});
