/**
 * The whole path a new user takes, through the built CLI and one config file, offline: a git
 * repository of Markdown docs → `ragvft init` → `validate` → `finetune --provider openai` →
 * `bench` comparing the base model closed-book, RAG, the fine-tune the lock recorded and the
 * user's own HTTP RAG service → `report`. Nothing is hand-copied between the steps: the dataset,
 * the fine-tuned model id and the training tokens flow through files the commands write.
 *
 * One loopback address stands for api.openai.com (chat, Files and Fine-tuning behind one
 * baseURL, as there): a front server routes Files and Fine-tuning requests to the fine-tuning fake
 * and everything else to the scripted chat server.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFinetuneLock } from '../src/finetune/lock.js';
import { lookupPrice } from '../src/models/prices.js';
import { ResultSchema } from '../src/results/schema.js';
import { runCli } from './helpers/cli.js';
import { buildDist } from './helpers/dist.js';
import { CUTOFF, makeGitCorpus, scriptedGenerator } from './helpers/init-corpus.js';
import { type FakeFinetuneServer, startFakeFinetuneServer } from './helpers/openai-finetune-server.js';
import { type OpenAIServer, type PromptInfo, startOpenAIServer } from './helpers/openai-server.js';

const OPENAI_KEY = 'sk-journey-OPENAI-0123456789abcdef';
const SVC_KEY = 'svc-journey-KEY-0123456789abcdef';
const env = { JOURNEY_OPENAI_KEY: OPENAI_KEY, JOURNEY_SVC_KEY: SVC_KEY };
const BASE = 'openai:gpt-4o-mini-2024-07-18';

/** A page beside init-corpus's, so that the cutoff's facts make the 10 examples OpenAI requires. */
const TARN = '# Tarn\n\nTarn is an island north of Kelor. The Tarn lighthouse is painted red.\nTarn keeps 400 sheep.\n';
const tarnFact = (question: string, answer: string) => ({ question, answer, aliases: [], paraphrases: [`${question} (put otherwise)`, `Tell me: ${question}`] });
const TARN_SCRIPT = { items: [tarnFact('What colour is the Tarn lighthouse?', 'red'), tarnFact('How many sheep does Tarn keep?', '400')] };

/** What each model "knows" without context: the base model a little, the fine-tune the cutoff's facts. */
const BASE_KNOWS: [RegExp, string][] = [[/river/, 'The Velm.']];
const FT_KNOWS: [RegExp, string][] = [[/river/, 'Velm'], [/mayor/, 'Anna Kros'], [/export/, 'salt'], [/lighthouse/, 'red'], [/sheep/, '400']];
const recall = (table: [RegExp, string][], q: string) => table.find(([re]) => re.test(q))?.[1] ?? "I don't know";

const words = (s: string) => new Set(s.toLowerCase().match(/[a-z0-9]+/g) ?? []);
const overlap = (a: string, b: Set<string>) => [...words(a)].filter((w) => b.has(w) && w.length > 3).length;
/** The sentence of `text` sharing most words with the question: a reader, for the RAG model and the service. */
function bestSentence(text: string, question: string): string {
  const q = words(question);
  const sentences = text.split(/(?<=\.)\s+/).filter((s) => s.trim());
  return sentences.reduce((best, s) => (overlap(s, q) > overlap(best, q) ? s : best), "I don't know");
}

/** The chat server's answers: init's generator and checks, then the bench's three built-in pipelines. */
function answer(p: PromptInfo): string {
  if (/^Task: static\nDocument: tarn$/m.test(p.user)) return JSON.stringify(TARN_SCRIPT);
  if (/^Task: \w+$/m.test(p.user)) return scriptedGenerator(p);
  const question = /Question \(asked on [^)]*\): (.*)\nAnswer:$/.exec(p.user)?.[1];
  if (!question) throw new Error(`unexpected prompt: ${p.user.slice(0, 200)}`);
  if (p.model.startsWith('ft:')) return recall(FT_KNOWS, question);
  const context = /^Context:\n([\s\S]*?)\n\nQuestion/.exec(p.user)?.[1];
  return context === undefined ? recall(BASE_KNOWS, question) : bestSentence(context, question);
}

interface Doc { id: string; text: string; validFrom?: string; validTo?: string }

/** The user's own RAG service: word-overlap search over the dataset's versions valid on `asOf`. */
function startRagService(corpus: () => Doc[], seen: { auth?: string }[]): Promise<Server> {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const { question, asOf } = JSON.parse(raw) as { question: string; asOf: string | null };
      seen.push({ auth: req.headers.authorization });
      const valid = corpus().filter((d) => !asOf || ((d.validFrom ?? '') <= asOf && (!d.validTo || asOf < d.validTo)));
      const q = words(question);
      const hits = valid.map((d) => ({ d, score: overlap(d.text, q) })).sort((a, b) => b.score - a.score).slice(0, 2);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ answer: bestSentence(hits[0]!.d.text, question), sources: hits.map((h) => ({ id: h.d.id })), usage: { prompt_tokens: 120, completion_tokens: 8 } }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** One baseURL for chat and fine-tuning, as OpenAI's: Files and Fine-tuning go to `ft`, the rest to `chat`. */
function startFront(chat: string, ft: string): Promise<Server> {
  const server = createServer((req, res) => {
    const target = new URL(/^\/v1\/(files|fine_tuning)\b/.test(req.url ?? '') ? ft : chat);
    const fwd = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const url = (s: Server, path: string) => `http://127.0.0.1:${(s.address() as AddressInfo).port}${path}`;
const close = (s: Server | undefined) => new Promise<void>((resolve) => (s ? (s.closeAllConnections(), s.close(() => resolve())) : resolve()));

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

let chat: OpenAIServer;
let ft: FakeFinetuneServer;
let front: Server;
let svc: Server;
let work: string;
let repo: string;
const svcSeen: { auth?: string }[] = [];

beforeAll(async () => {
  buildDist();
  work = mkdtempSync(join(tmpdir(), 'ragvft-journey-'));
  repo = makeGitCorpus({ 'tarn.md': TARN });
  chat = await startOpenAIServer({ answer });
  ft = await startFakeFinetuneServer({ outcome: 'succeeded', polls: 3, tokensPerEpoch: 777 });
  front = await startFront(chat.url, ft.url);
  const ds = join(work, 'datasets', 'handbook');
  svc = await startRagService(() => readFileSync(join(ds, 'corpus.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Doc), svcSeen);
}, 120_000);
afterAll(async () => {
  await Promise.all([close(front), close(svc), ft?.close(), chat?.close()]);
  rmSync(work, { recursive: true, force: true });
  rmSync(repo, { recursive: true, force: true });
});

describe('a new user: from a git repository of docs to a bench verdict', () => {
  it('init → validate → finetune --provider openai → bench (4 pipelines) → report, one config, no ids copied', async () => {
    // The one config, written before the dataset exists; paths are relative to it and to the cwd.
    mkdirSync(join(work, 'bench'));
    const config = join(work, 'ragvft.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        dataset: 'datasets/handbook',
        providers: { openai: { type: 'openai', baseURL: url(front, '/v1'), apiKeyEnv: 'JOURNEY_OPENAI_KEY' } },
        models: { base: BASE, fineTuned: 'finetune:handbook' },
        finetune: { handbook: { data: 'paraphrase', provider: 'openai', trainedFrom: BASE, nEpochs: 2 } },
        retrieval: { mode: 'bm25', k: 2 },
        pipelines: [
          { name: 'closed-book', model: 'base', retrieval: false },
          { name: 'rag', model: 'base', retrieval: true },
          { name: 'fine-tuned', model: 'fineTuned', retrieval: false },
          { name: 'my-rag', type: 'http', url: url(svc, '/ask'), apiKeyEnv: 'JOURNEY_SVC_KEY', model: 'openai:gpt-4o-mini', map: { answer: '$.answer', retrievedDocIds: '$.sources[*].id', usage: { inputTokens: '$.usage.prompt_tokens', outputTokens: '$.usage.completion_tokens' } } },
        ],
      }),
    );
    const cli = async (args: string[]) => {
      const r = await runCli([...args, '--config', config], { cwd: work, env, dist: true, timeoutMs: 60_000 });
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      return r;
    };

    await cli(['init', repo, '--out', 'datasets/handbook', '--cutoff', CUTOFF, '--model', BASE, '--yes', '--quiet']);
    const v = await runCli(['validate', 'datasets/handbook'], { cwd: work, dist: true });
    expect(v.code, v.stderr).toBe(0);

    const trained = await cli(['finetune', '--provider', 'openai', '--yes', '--poll-interval', '10']);
    const lockPath = join(work, 'bench', 'finetunes.lock.json');
    const entry = readFinetuneLock(lockPath).finetunes.handbook!;
    const job = ft.jobs()[0]!;
    expect(entry).toMatchObject({ provider: 'openai', jobId: job.id, fineTunedModel: job.fine_tuned_model, trainedTokens: job.trained_tokens, epochs: 2 });
    expect(entry.fineTunedModel).toMatch(/^ft:gpt-4o-mini-2024-07-18:/);
    expect(trained.stdout).toContain(`model ${entry.fineTunedModel} (pipelines: finetune:handbook)`);
    // Uploaded: messages only, the paraphrases init wrote (never the benchmark's wording).
    const uploaded = ft.files[0]!.content.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(uploaded.length).toBeGreaterThanOrEqual(10);
    for (const row of uploaded) expect(Object.keys(row)).toEqual(['messages']);

    const bench = await cli(['bench', '--quiet']);
    const resultsDir = join(work, 'results');
    const result = ResultSchema.parse(JSON.parse(readFileSync(join(resultsDir, 'latest.json'), 'utf8')));
    const questions = readFileSync(join(work, 'datasets', 'handbook', 'questions.jsonl'), 'utf8').trim().split('\n').length;
    expect(result.pipelines.map((p) => p.name)).toEqual(['closed-book', 'rag', 'fine-tuned', 'my-rag']);
    const pl = (name: string) => result.pipelines.find((p) => p.name === name)!;
    for (const p of result.pipelines) expect([p.name, p.summary.questions, p.summary.errors]).toEqual([p.name, questions, 0]);

    // The fine-tune: the lock's model at the provider, served by the chat server, costed from the lock.
    expect(pl('fine-tuned').model).toBe(`openai:${entry.fineTunedModel}`);
    expect(chat.requests.some((r) => (r.body as { model?: string } | null)?.model === entry.fineTunedModel)).toBe(true);
    const training = lookupPrice(BASE, { overrides: {} }).price!.training!;
    expect(pl('fine-tuned').summary.costUsd.fineTuningUsd).toBeCloseTo((entry.trainedTokens * training) / 1e6, 9);
    expect(pl('closed-book').summary.costUsd.fineTuningUsd).toBe(0);

    // The service: scored like the rest, its sources scored as recall, called with the key.
    const svcRecords = result.records.filter((r) => r.pipeline === 'my-rag');
    expect(pl('my-rag').model).toBe('http:my-rag');
    expect(svcRecords.filter((r) => r.correct).length).toBeGreaterThan(0);
    expect(svcRecords.filter((r) => r.category !== 'unanswerable').every((r) => r.retrieval !== null && r.retrievedDocIds!.length > 0)).toBe(true);
    expect(svcSeen.length).toBe(questions);
    expect(svcSeen.every((s) => s.auth === `Bearer ${SVC_KEY}`)).toBe(true);

    // Freshness from init's timeline: the changed mayor and the new bridge are asked, RAG is
    // current where the cutoff's knowledge is stale.
    for (const p of result.pipelines) expect(Object.keys(p.summary.byCategory).sort()).toEqual(['new', 'static', 'unanswerable', 'updated']);
    const mayor = (pipeline: string) => result.records.find((r) => r.pipeline === pipeline && r.category === 'updated')!.freshness;
    expect([mayor('fine-tuned'), mayor('rag'), mayor('my-rag')]).toEqual(['stale', 'current', 'current']);

    const report = await runCli(['report', join(resultsDir, 'latest.json')], { cwd: work, dist: true });
    expect(report.code, report.stderr).toBe(0);
    for (const name of ['closed-book', 'rag', 'fine-tuned', 'my-rag']) expect(report.stdout).toContain(name);
    // The keep-fresh table names the fine-tune by its pipeline: OpenAI's ft: id would not fit.
    expect(report.stdout).toMatch(/^fine-tuned re-train +monthly/m);
    expect(`${trained.stdout}${bench.stdout}${report.stdout}`.split('\n').filter((l) => l.length > 100)).toEqual([]);

    // No key reached a file: results, caches, journals, the dataset or the lock.
    for (const file of filesUnder(work)) {
      const text = readFileSync(file, 'utf8');
      expect([file, text.includes(OPENAI_KEY) || text.includes(SVC_KEY)]).toEqual([file, false]);
    }
  }, 120_000);
});
