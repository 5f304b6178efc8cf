/**
 * `ragvft init`: a dataset from a folder or a git history of documents. Reads the source, plans
 * one generation per (document version, kind), estimates its cost and asks for confirmation,
 * generates (journaled, response-cached), verifies every item (text checks, then the model's
 * second pass), writes the dataset and its provenance README, and loads it back as `validate`
 * does. Nothing is written to the output folder until every call has succeeded; a failed or
 * killed run keeps its journal, and the same command continues it.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import pLimit from 'p-limit';
import { loadConfigOrDefault } from '../config/load.js';
import { loadDataset } from '../dataset/load.js';
import { IsoDate, type Question } from '../dataset/schema.js';
import { wrapWithCache } from '../models/cache.js';
import { describeError } from '../models/errors.js';
import { callCostUsd, lookupPrice, PRICES_AS_OF } from '../models/prices.js';
import { createModelRegistry, isLocal } from '../models/registry.js';
import type { Progress } from '../run/progress.js';
import { InputError } from '../util/errors.js';
import { hashObject } from '../util/hash.js';
import { askDay, planUnits, toChains } from './corpus.js';
import { type CallOptions, checkItem, estimateUsage, generateItems, type GeneratedItem, PROMPT_VERSION, type Usage } from './generate.js';
import { openInitJournal } from './journal.js';
import { readFolderSource } from './sources/folder.js';
import { readGitSource } from './sources/git.js';
import { type Candidate, checkRejection, questionKey, type Rejection, verifyItem } from './verify.js';
import { assertOutputFree, finetuneExample, writeDataset } from './write.js';

export interface InitOptions {
  source: string;
  out: string;
  cutoff: string;
  model: string;
  config?: string;
  /** Most items asked of each generation call. */
  perUnit: number;
  name?: string;
  force: boolean;
  cache: boolean;
  /** false: read a git repository as a plain folder (its working tree, no history). */
  history: boolean;
  /** Shown the estimate; false stops before any call. */
  confirm: (estimate: Estimate) => Promise<boolean>;
  progress: Progress;
  signal?: AbortSignal;
  /** The command line, for the README. */
  command: string;
}

export interface Estimate {
  calls: number;
  checks: number;
  input: number;
  output: number;
  usd: number | null;
  /** "openai:gpt-4o-mini at built-in prices of 2025-07-01", or why there is no price. */
  priceNote: string;
  /** Generations already in the journal (not asked again). */
  journaled: number;
}

export interface InitReport {
  out: string;
  documents: number;
  questions: Record<string, number>;
  generatedItems: number;
  rejections: Partial<Record<Rejection, number>>;
  finetune: { plain: number; paraphrase: number };
  usage: { input: number; output: number; calls: number };
  estimate: Estimate;
}

/** The run stopped at the confirmation: nothing was generated. */
export class InitDeclined extends Error {}

/** Some model calls failed; what succeeded is journaled and the same command resumes. */
export class InitIncomplete extends Error {}

export async function runInit(o: InitOptions): Promise<InitReport> {
  const cutoff = IsoDate.safeParse(o.cutoff);
  if (!cutoff.success) throw new InputError(`--cutoff ${o.cutoff}: ${cutoff.error.issues[0]!.message}`);
  if (!Number.isInteger(o.perUnit) || o.perUnit < 1) throw new InputError(`--per-doc must be a whole number of at least 1, got ${o.perUnit}`);
  const root = resolve(o.source);
  if (!existsSync(root)) throw new InputError('source folder not found', { file: root });
  const out = resolve(o.out);
  await assertOutputFree(out, o.force);

  const source = o.history && existsSync(join(root, '.git')) ? await readGitSource(root) : await readFolderSource(root);
  if (source.files.length === 0) throw new InputError('no Markdown, text or HTML documents found (.md, .markdown, .txt, .html, .htm)', { file: root });
  const chains = toChains(source);
  const documents = chains.flatMap((c) => c.docs);
  const asOf = askDay(chains, o.cutoff);
  const units = planUnits(chains, o.cutoff, asOf);

  const { config } = await loadConfigOrDefault(o.config);
  const registry = createModelRegistry({ providers: config.providers, localFinetunes: {}, refs: [o.model] });
  let model: LanguageModelV4 = registry.languageModel(o.model);
  if (o.cache && config.responseCache && !isLocal(o.model)) {
    model = wrapWithCache(model, resolve(config.cacheDir, 'responses'), {
      namespace: registry.endpoint(o.model),
      onWriteError: (e) => o.progress.log(`ragvft: warning: response cache write failed: ${(e as Error).message}`),
    });
  }
  const runKey = hashObject({ init: PROMPT_VERSION, documents, cutoff: o.cutoff, model: o.model, endpoint: registry.endpoint(o.model), perUnit: o.perUnit });
  const journal = openInitJournal(resolve(config.cacheDir, 'init', runKey.slice(0, 16)));

  const todo = units.filter((u) => !journal.generated.has(u.key));
  const { price, source: priceSource } = lookupPrice(o.model, { overrides: config.cost.prices, providerType: registry.providerType(o.model) });
  const e = estimateUsage(todo, o.perUnit);
  const estimate: Estimate = {
    ...e,
    usd: callCostUsd(price, e),
    priceNote: price === null ? `no price known for ${o.model} (add it under cost.prices in a --config)` : priceSource === 'built-in' ? `built-in prices of ${PRICES_AS_OF}` : `${priceSource} prices`,
    journaled: units.length - todo.length,
  };
  if (todo.length > 0 && !(await o.confirm(estimate))) throw new InitDeclined('stopped before generating: nothing was asked of the model');

  const call: CallOptions = { model, maxRetries: config.generation.maxRetries, timeoutMs: config.timeoutMs, signal: o.signal };
  const usage = { input: 0, output: 0, calls: 0 };
  const count = (u: Usage | null) => {
    usage.calls++;
    if (u) {
      usage.input += u.input;
      usage.output += u.output;
    }
  };
  const failures: string[] = [];
  const limit = pLimit(config.concurrency);

  // 1. Generation, one call per unit not yet journaled.
  const gen = o.progress.start('generating', todo.length);
  await Promise.all(
    todo.map((u) =>
      limit(async () => {
        if (o.signal?.aborted) return;
        try {
          const r = await generateItems(u, o.perUnit, call);
          journal.append({ type: 'generated', key: u.key, items: r.items, usage: r.usage });
          count(r.usage);
          gen.tick();
        } catch (err) {
          failures.push(`${u.key}: ${describeError(err)}`);
          gen.tick(`generation failed for ${u.key}`);
        }
      }),
    ),
  );
  gen.done();

  // 2. Text checks, then the model's check of every survivor.
  const rejections: Partial<Record<Rejection, number>> = {};
  const reject = (r: Rejection) => (rejections[r] = (rejections[r] ?? 0) + 1);
  const candidates: { key: string; c: Candidate }[] = [];
  const seen = new Set<string>();
  let generatedItems = 0;
  for (const u of units) {
    const entry = journal.generated.get(u.key);
    if (!entry) continue;
    if (entry.items === null) {
      reject('unparseable-generation');
      continue;
    }
    (entry.items as GeneratedItem[]).forEach((item, i) => {
      generatedItems++;
      const v = verifyItem(u, item, documents);
      if (!v.ok) return reject(v.reason);
      const dup = `${u.source.id}|${questionKey(v.candidate.question)}`;
      if (seen.has(dup)) return reject('duplicate');
      seen.add(dup);
      candidates.push({ key: `${u.key}|${i}`, c: v.candidate });
    });
  }
  const toCheck = candidates.filter(({ key }) => !journal.checked.has(key));
  const chk = o.progress.start('checking', toCheck.length);
  await Promise.all(
    toCheck.map(({ key, c }) =>
      limit(async () => {
        if (o.signal?.aborted) return;
        try {
          const r = await checkItem(c.source, { question: c.question, ...(c.kind === 'unanswerable' ? {} : { answer: c.answers[0]! }) }, call);
          journal.append({ type: 'checked', key, verdict: r.verdict, usage: r.usage });
          count(r.usage);
          chk.tick();
        } catch (err) {
          failures.push(`check ${key}: ${describeError(err)}`);
          chk.tick(`check failed for ${key}`);
        }
      }),
    ),
  );
  chk.done();
  if (o.signal?.aborted) throw new InitIncomplete('interrupted; what was generated is saved: run the same command again to continue');
  if (failures.length > 0) {
    throw new InitIncomplete(`${failures.length} model call(s) failed (first: ${failures[0]}); what succeeded is saved: run the same command again to continue`);
  }

  // 3. The dataset.
  const kept: Candidate[] = [];
  for (const { key, c } of candidates) {
    const why = checkRejection(c.kind, journal.checked.get(key)!.verdict);
    if (why) reject(why);
    else kept.push(c);
  }
  const questions = kept.map((c, i) => toQuestion(c, i));
  if (questions.length === 0) throw new InitIncomplete(`no generated question passed verification (${describeRejections(rejections)}); nothing written`);
  const finetune = finetuneData(kept);
  const name = o.name ?? datasetName(out);
  await writeDataset(out, { name, documents, questions, finetune }, {
    source: o.source,
    sourceKind: source.kind,
    ...(source.commits ? { commits: source.commits } : {}),
    cutoff: o.cutoff,
    asOf,
    model: o.model,
    generatedAt: new Date().toISOString().slice(0, 10),
    rejections,
    generatedItems,
    command: o.command,
  });
  await loadDataset(out); // what `validate` checks: a failure here is a bug of init, reported as such
  const byCat: Record<string, number> = {};
  for (const q of questions) byCat[q.category] = (byCat[q.category] ?? 0) + 1;
  return { out, documents: documents.length, questions: byCat, generatedItems, rejections, finetune: { plain: finetune.plain.length, paraphrase: finetune.paraphrase.length }, usage, estimate };
}

function toQuestion(c: Candidate, i: number): Question {
  const answerable = c.kind !== 'unanswerable';
  return {
    id: `q${String(i + 1).padStart(4, '0')}`,
    question: c.question,
    answers: c.answers,
    asOf: c.asOf,
    category: c.kind,
    ...(c.staleAnswers ? { staleAnswers: c.staleAnswers } : {}),
    sourceDocIds: answerable ? [c.source.id] : [],
    ...(answerable ? {} : { nearMissDocIds: [c.source.id], metadata: { plausibleAnswer: c.plausibleAnswer } }),
  };
}

/**
 * Fine-tuning data knows only what was true at the cutoff: static facts, and for updated ones the
 * earlier value. Plain: one example per fact, worded as its first paraphrase (the benchmark's own
 * wording stays out of training); paraphrase: one example per paraphrase.
 */
function finetuneData(kept: readonly Candidate[]): { plain: ReturnType<typeof finetuneExample>[]; paraphrase: ReturnType<typeof finetuneExample>[] } {
  const plain = [];
  const paraphrase = [];
  for (const c of kept) {
    const answer = c.kind === 'static' ? c.answers[0] : c.kind === 'updated' ? c.staleAnswers![0] : undefined;
    if (answer === undefined || !c.atCutoff) continue;
    const wordings = c.paraphrases.length > 0 ? c.paraphrases : [c.question];
    plain.push(finetuneExample(wordings[0]!, answer, c.atCutoff));
    for (const w of wordings) paraphrase.push(finetuneExample(w, answer, c.atCutoff));
  }
  return { plain, paraphrase };
}

const describeRejections = (r: Partial<Record<Rejection, number>>) =>
  Object.entries(r)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'none rejected';

/** The output folder's name, made fit for dataset.json `name`. */
function datasetName(out: string): string {
  const base = out.split(/[\\/]/).filter(Boolean).at(-1) ?? 'dataset';
  return base.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 100) || 'dataset';
}

