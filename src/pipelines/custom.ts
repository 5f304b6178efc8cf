/**
 * Custom pipelines: your own function (`run`) or an HTTP service (`type: 'http'`, see http.ts)
 * answers each question instead of a model ragvft prompts. Their answers go through the same
 * record path as built-in pipelines (scoring, timing, cost from reported usage, journal and
 * resume); this module turns what they return into an `Answer` and keeps the response cache.
 */
import { readFile } from 'node:fs/promises';
import { InvalidResponseDataError } from '@ai-sdk/provider';
import { z } from 'zod';
import type { CustomPipelineConfig } from '../config/schema.js';
import type { Question } from '../dataset/schema.js';
import { explainAbort } from '../models/errors.js';
import { entryPath } from '../models/cache.js';
import { describeZodError } from '../util/input.js';
import { writeFileAtomic } from '../util/fs.js';
import { sha256, stableStringify } from '../util/hash.js';
import { redactDeep } from '../util/redact.js';
import type { Answer } from './types.js';

export interface CustomRunInput {
  question: string;
  /** The question's date (YYYY-MM-DD), null when it has none. */
  asOf: string | null;
  /** The question's id in the dataset. */
  id: string;
  /** Aborted when the question's timeoutMs is up: pass it to your HTTP client. */
  signal: AbortSignal;
}

const Ms = z.number().nonnegative();
const Count = z.number().int().nonnegative();

/** What a custom pipeline returns for one question. */
export const CustomOutputSchema = z.strictObject({
  answer: z.string(),
  /** Ids of the documents the pipeline retrieved, best first: scored like built-in retrieval. */
  retrievedDocIds: z.array(z.string()).optional(),
  /** Token counts of the model calls behind the answer: with a price, the answer's cost. */
  usage: z.strictObject({ inputTokens: Count.optional(), outputTokens: Count.optional() }).optional(),
  /** Stage times in milliseconds, into the summary's stageLatencyMs. */
  stages: z.strictObject({ embed: Ms.optional(), search: Ms.optional(), generate: Ms.optional() }).optional(),
});
export type CustomRunOutput = z.infer<typeof CustomOutputSchema>;
export type CustomRun = (input: CustomRunInput) => Promise<CustomRunOutput> | CustomRunOutput;

/** One question through a custom pipeline, before caching (http.ts makes one from a config). */
export type CustomAsk = (input: CustomRunInput) => Promise<CustomRunOutput>;

/** A `run` function's result, checked: a wrong shape is a bad response naming the pipeline and field. */
export function runAsk(name: string, run: CustomRun): CustomAsk {
  return async (input) => checkedOutput(name, await run(input));
}

export function checkedOutput(name: string, value: unknown): CustomRunOutput {
  const parsed = CustomOutputSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { field, message } = describeZodError(parsed.error);
  throw new InvalidResponseDataError({ data: value, message: `pipeline "${name}" returned ${field ? `${field} that ` : 'a value that '}${message}` });
}

const CACHE_FORMAT = 1;

interface CustomCacheEntry {
  format: typeof CACHE_FORMAT;
  key: string;
  output: CustomRunOutput;
  cachedAt: string;
}

/**
 * What keys a custom pipeline's cached answers, or null when they are not cached: an HTTP
 * pipeline's definition (URL, header templates, body, map, version; header values are templates,
 * so a rotated key keeps the entries), a function's `version` only (its code cannot be hashed).
 */
export function cacheDefinition(p: CustomPipelineConfig): unknown {
  if ('run' in p) return p.version === undefined ? null : { kind: 'run', name: p.name, version: p.version };
  return { kind: 'http', name: p.name, url: p.url, headers: p.headers ?? {}, apiKeyEnv: p.apiKeyEnv ?? null, body: p.body, map: p.map, version: p.version ?? null };
}

export function customCacheKey(definition: unknown, q: Pick<Question, 'id' | 'question' | 'asOf'>): string {
  return sha256(stableStringify({ format: CACHE_FORMAT, definition, id: q.id, question: q.question, asOf: q.asOf ?? null }));
}

async function readCached(dir: string, key: string): Promise<CustomRunOutput | null> {
  try {
    const e = JSON.parse(await readFile(entryPath(dir, key), 'utf8')) as Partial<CustomCacheEntry>;
    if (e.format !== CACHE_FORMAT || e.key !== key) return null;
    const out = CustomOutputSchema.safeParse(e.output);
    return out.success ? out.data : null;
  } catch {
    return null; // absent or damaged: a miss, overwritten by the next answer
  }
}

export interface CustomPipelineOptions {
  /** Folder of cached answers; absent: no cache (--no-cache, responseCache false, or nothing to key by). */
  cacheDir?: string;
  definition: unknown;
  onWriteError?: (err: unknown) => void;
}

/** The pipeline's answerer for runPipelines: timed, cached, failures recorded as errors. */
export function customAnswerer(ask: CustomAsk, opts: CustomPipelineOptions): (q: Question, signal: AbortSignal) => Promise<Answer> {
  const cacheDir = opts.definition === null ? undefined : opts.cacheDir;
  return async (q, signal) => {
    const t0 = performance.now();
    const key = cacheDir ? customCacheKey(opts.definition, q) : null;
    try {
      const hit = key ? await readCached(cacheDir!, key) : null;
      if (hit) return toAnswer(hit, performance.now() - t0, true);
      const out = await untilAborted(ask({ question: q.question, asOf: q.asOf ?? null, id: q.id, signal }), signal);
      if (key && out.answer.trim() !== '') {
        const entry: CustomCacheEntry = { format: CACHE_FORMAT, key, output: out, cachedAt: new Date().toISOString() };
        await writeFileAtomic(entryPath(cacheDir!, key), `${JSON.stringify(redactDeep(entry))}\n`).catch((e: unknown) => opts.onWriteError?.(e));
      }
      return toAnswer(out, performance.now() - t0, false);
    } catch (err) {
      return { ...toAnswer(null, performance.now() - t0, false), error: explainAbort(err, signal) };
    }
  };
}

/** A function that ignores its signal still ends at the question's deadline: the pair is a timeout, not a hang. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function toAnswer(out: CustomRunOutput | null, totalMs: number, cached: boolean): Answer {
  const u = out?.usage;
  const known = u && (u.inputTokens !== undefined || u.outputTokens !== undefined);
  return {
    text: out ? out.answer.trim() : null,
    retrievedDocIds: out?.retrievedDocIds ?? null,
    // Only ids come back: chunk recall and answer-in-context need the chunks' text.
    retrievedChunks: null,
    contextDocIds: out?.retrievedDocIds ?? [],
    // ragvft's citation prompt never reaches the user's pipeline: nothing to parse.
    citations: null,
    latencyMs: { total: totalMs, embed: cached ? null : (out?.stages?.embed ?? null), search: cached ? null : (out?.stages?.search ?? null), generate: cached ? null : (out?.stages?.generate ?? null), firstToken: null },
    tokens: known ? { input: u.inputTokens ?? 0, output: u.outputTokens ?? 0 } : null,
    finishReason: null,
    responseModelId: null,
    cpuMs: null,
    cached,
    embedCached: null,
    error: null,
  };
}
