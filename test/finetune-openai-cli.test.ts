/**
 * `ragvft finetune --provider openai` and `--export` through the real CLI, against the loopback
 * fakes: the spend prompt off a terminal, SIGKILL mid-poll then a rerun that resumes the same job,
 * a bench whose training cost comes from the lock, and the LoRA export.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFinetuneLock } from '../src/finetune/lock.js';
import { lookupPrice } from '../src/models/prices.js';
import type { RunResult } from '../src/results/schema.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { type FakeFinetuneServer, startFakeFinetuneServer } from './helpers/openai-finetune-server.js';
import { type OpenAIServer, startOpenAIServer } from './helpers/openai-server.js';
import { writeTinyDataset } from './helpers/tiny-dataset.js';

const KEY_ENV = 'RAGVFT_FT_TEST_KEY';
const env = { [KEY_ENV]: 'sk-test-ft' };
const BASE = 'openai:gpt-4o-mini-2024-07-18';

let ft: FakeFinetuneServer;
let chat: OpenAIServer;
let work: string;
let datasetDir: string;
let lockPath: string;

const sys = 'Answer briefly.';
const ftLines = Array.from({ length: 12 }, (_, i) =>
  JSON.stringify({ messages: [{ role: 'system', content: sys }, { role: 'user', content: `Who runs yard ${i}?` }, { role: 'assistant', content: `Keeper ${i}` }], sourceDocIds: ['kestrel'] }),
);

/** A JSON config whose `openai` provider is at `baseURL`, one provider fine-tune and a pipeline on it. */
function config(name: string, baseURL: string): string {
  const path = join(work, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      dataset: datasetDir,
      outDir: join(work, 'results'),
      cacheDir: join(work, 'cache'),
      finetuneLock: lockPath,
      providers: { openai: { type: 'openai', baseURL, apiKeyEnv: KEY_ENV } },
      models: { ft: 'finetune:ft-oa' },
      finetune: { 'ft-oa': { data: 'plain', provider: 'openai', trainedFrom: BASE, nEpochs: 2 } },
      pipelines: [{ name: 'fine-tuned', model: 'ft', retrieval: false }],
      preflight: false,
    }),
  );
  return path;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ragvft-oaift-cli-'));
  lockPath = join(work, 'bench', 'finetunes.lock.json');
  datasetDir = writeTinyDataset({ finetune: `${ftLines.join('\n')}\n` });
  ft = await startFakeFinetuneServer({ outcome: 'succeeded', polls: 1e9, tokensPerEpoch: 4321 });
  chat = await startOpenAIServer();
});
afterAll(async () => {
  await ft?.close();
  await chat?.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(datasetDir, { recursive: true, force: true });
});

const retrieves = () => ft.requests.filter((r) => r.method === 'GET' && /^\/v1\/fine_tuning\/jobs\/[^/]+$/.test(r.path)).length;

describe('ragvft finetune --provider openai (CLI)', () => {
  it('off a terminal without --yes: prints the estimate, exits 2 with a one-line hint, spends nothing', async () => {
    const run = await runCli(['finetune', '--provider', 'openai', '--config', config('ft', ft.url)], { env });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/ft-oa: 12 examples, [\d,]+ tokens per epoch × 2 epochs/);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/not a terminal.*--yes/)]);
    expect(ft.files).toEqual([]);
  });

  it('survives kill -9 mid-poll: the rerun resumes the same job and writes the lock', async () => {
    const cfg = config('ft', ft.url);
    const child = spawnCli(['finetune', '--provider', 'openai', '--yes', '--poll-interval', '20', '--config', cfg], { env });
    const exited = new Promise((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 30_000;
    while (retrieves() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(retrieves()).toBeGreaterThanOrEqual(3);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(lockPath)).toBe(false);

    ft.updateJobs({ polls: retrieves() + 2 });
    const run = await runCli(['finetune', '--provider', 'openai', '--yes', '--poll-interval', '20', '--config', cfg], { env });
    expect(run.stderr).toContain('resuming job');
    expect(run.code).toBe(0);
    expect(ft.jobs()).toHaveLength(1);
    expect(ft.files).toHaveLength(1);
    const job = ft.jobs()[0]!;
    const entry = readFinetuneLock(lockPath).finetunes['ft-oa']!;
    expect(entry).toMatchObject({ jobId: job.id, fineTunedModel: job.fine_tuned_model, trainedTokens: job.trained_tokens, epochs: 2, baseModel: BASE });
    expect(run.stdout).toContain(`openai:ft-oa: trained — ${(job.trained_tokens as number).toLocaleString('en-US')} tokens trained (2 epochs)`);
    expect(run.stdout).toContain(`model ${job.fine_tuned_model as string} (pipelines: finetune:ft-oa)`);
    expect(`${run.stdout}${run.stderr}`.split('\n').filter((l) => l.length > 100)).toEqual([]);

    const again = await runCli(['finetune', '--provider', 'openai', '--config', cfg], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('up to date');
    expect(ft.jobs()).toHaveLength(1);
  });

  it('bench takes the model id and the training cost from the lock, and warns when the data changed', async () => {
    const entry = readFinetuneLock(lockPath).finetunes['ft-oa']!;
    const cfg = config('bench', chat.url);
    const outDir = join(work, 'results');
    const run = await runCli(['bench', '--config', cfg, '--out-dir', outDir, '--quiet'], { env, timeoutMs: 90_000 });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(outDir, 'latest.json'), 'utf8')) as RunResult;
    const ref = `openai:${entry.fineTunedModel}`;
    expect(result.pipelines[0]!.model).toBe(ref);
    const training = lookupPrice(BASE, { overrides: {} }).price!.training!;
    expect(result.pipelines[0]!.summary.costUsd.fineTuningUsd).toBeCloseTo((entry.trainedTokens * training) / 1e6, 9);
    expect(result.run.finetunes[ref]).toEqual({ trainingTokens: entry.trainedTokens / entry.epochs, epochs: entry.epochs });
    expect(chat.requests.some((r) => (r.body as { model?: string } | null)?.model === entry.fineTunedModel)).toBe(true);
    expect(result.run.warnings.join('\n')).not.toContain('stale fine-tune');

    writeFileSync(join(datasetDir, 'finetune.jsonl'), `${[...ftLines, ftLines[0]].join('\n')}\n`);
    const stale = await runCli(['bench', '--config', cfg, '--out-dir', outDir, '--quiet'], { env, timeoutMs: 90_000 });
    expect(stale.code, stale.stderr).toBe(0);
    const r2 = JSON.parse(readFileSync(join(outDir, 'latest.json'), 'utf8')) as RunResult;
    expect(r2.run.warnings.join('\n')).toContain('stale fine-tune');
    writeFileSync(join(datasetDir, 'finetune.jsonl'), `${ftLines.join('\n')}\n`);
  });

  it('a pipeline on finetune:<name> without a lock entry is bad input (exit 2) naming the command to run', async () => {
    const cfg = config('nolock', chat.url);
    const noLock = JSON.parse(readFileSync(cfg, 'utf8')) as Record<string, unknown>;
    writeFileSync(cfg, JSON.stringify({ ...noLock, finetuneLock: join(work, 'none.lock.json') }));
    const run = await runCli(['bench', '--config', cfg, '--out-dir', join(work, 'r3'), '--quiet'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ragvft finetune --provider openai --name ft-oa');
  });
});

describe('ragvft finetune --export (CLI)', () => {
  it('writes chat JSONL with messages only, the trainer and server commands, and prints the config entry', async () => {
    const out = join(work, 'export');
    const run = await runCli(['finetune', '--export', out, '--name', 'ft-oa', '--base-model', 'Qwen/Qwen2.5-1.5B-Instruct', '--config', config('ft', ft.url)], { env });
    expect(run.code, run.stderr).toBe(0);
    const dir = join(out, 'ft-oa');
    const rows = readFileSync(join(dir, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toEqual(ftLines.map((l) => ({ messages: (JSON.parse(l) as { messages: unknown }).messages })));
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain(`trl sft --model_name_or_path Qwen/Qwen2.5-1.5B-Instruct --dataset_name ${dir}`);
    expect(readme).toContain(`vllm serve Qwen/Qwen2.5-1.5B-Instruct --enable-lora --lora-modules ft-oa=${join(dir, 'lora')}`);
    expect(readme).toContain('convert_lora_to_gguf.py');
    expect(readFileSync(join(dir, 'axolotl.yaml'), 'utf8')).toContain(`path: ${join(dir, 'train.jsonl')}\n    type: chat_template`);
    expect(readFileSync(join(dir, 'Modelfile'), 'utf8')).toBe(`FROM Qwen/Qwen2.5-1.5B-Instruct\nADAPTER ${join(dir, 'lora')}\n`);
    expect(run.stdout).toMatch(new RegExp(`'ft-oa': \\{ data: '${join(dir, 'train.jsonl')}', model: 'vllm:ft-oa', trainingTokens: \\d+, epochs: 2 \\}`));
  });
});
