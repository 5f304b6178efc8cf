/**
 * Response cache on disk, as AI SDK language-model middleware.
 *
 * A rerun of the same benchmark asks the same questions with the same settings; answering them
 * from disk makes reruns deterministic and free. Entries are content-addressed: the key is the
 * sha256 of a stable JSON of everything that determines the answer (provider, model id, the
 * full prompt and the generation settings). Request headers never enter the key or the entry,
 * because they can hold API keys; the abort signal is not part of the request's meaning.
 *
 * A hit is marked with `providerMetadata.ragvft.cached = true` (answer.ts reads it), so cached
 * rows can be kept out of latency percentiles. Only finished text answers are stored: a failed
 * or cut stream, a tool call, or an answer cut short by an error is never cached.
 *
 * Which model answered. The configured model id and the URL do not say which weights a server
 * runs: a llama.cpp or vLLM server can be restarted with another model behind the same URL and
 * the same configured id. Servers report the model that answered (`response.modelId`, the `model`
 * field of the response), so:
 *  - each entry stores the reported id (`model.reportedModelId`);
 *  - per (endpoint, provider, configured model) pair, the last reported id is remembered in
 *    `<dir>/served/<pair>.served` (JSON), and that id is part of every key (`served` in cacheKey);
 *  - when a live call reports another id than the remembered one, the new id is remembered,
 *    `onModelChange` is told once ("the server now reports model X for Y; cached answers of the
 *    previous model are not reused"), and this and every later answer is keyed by the new id.
 *    Lookups use the remembered id, so entries of the previous model never match again.
 * A live call notices a switch; a run whose every answer is cached makes none. So the run's
 * preflight listing (`GET /models`, src/models/preflight.ts) is passed in as `listing`, a
 * fingerprint of what the server lists for the model: when it differs from the one remembered,
 * the pair's `epoch` is bumped (part of every key from then on), `onModelChange` is told, and
 * the entries of the previous model never match again. Without a preflight (--no-preflight) or
 * a listing that cannot say (several models, none with the configured id), only live calls
 * notice; calls already in flight when a switch is noticed may still hit old entries.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4FinishReason,
  LanguageModelV4GenerateResult,
  LanguageModelV4Middleware,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from '@ai-sdk/provider';
import { wrapLanguageModel } from 'ai';
import { writeFileAtomic } from '../util/fs.js';
import { sha256, stableStringify } from '../util/hash.js';
import { redactDeep } from '../util/redact.js';

/** Bump when the key material or entry format changes: old entries then simply miss. */
const CACHE_FORMAT = 2;

export interface ResponseCacheOptions {
  /** Folder of entries (`<dir>/<key[0..2]>/<key>.json`), e.g. `<cacheDir>/responses`. */
  dir: string;
  /**
   * Extra key material, e.g. the provider's baseURL: two servers that serve different weights
   * under the same model id must not share entries. Never put secrets here.
   */
  namespace?: string;
  /** A cache write failed (disk full, permissions). The answer itself is unaffected. */
  onWriteError?: (err: unknown) => void;
  /** The server reports another model than before for this endpoint and model: called once per change. */
  onModelChange?: (message: string) => void;
  /** Fingerprint of the server's `GET /models` entry for this model, from the run's preflight (null: unknown). */
  listing?: string | null;
}

/** What one cache file holds. */
export interface CacheEntry {
  format: typeof CACHE_FORMAT;
  key: string;
  /** `reportedModelId`: the model id the server reported for this answer (null: it reported none). */
  model: { provider: string; modelId: string; reportedModelId: string | null };
  text: string;
  usage: StoredUsage;
  finishReason: LanguageModelV4FinishReason;
  cachedAt: string;
}

/** Usage with `null` for unknown counts (JSON has no `undefined`). */
interface StoredUsage {
  inputTokens: { total: number | null; noCache: number | null; cacheRead: number | null; cacheWrite: number | null };
  outputTokens: { total: number | null; text: number | null; reasoning: number | null };
}

export const CACHED_METADATA = { ragvft: { cached: true } } as const;
/**
 * Also on the response headers: errors the AI SDK raises after the model returned (e.g.
 * NoObjectGeneratedError for an unparseable structured reply) keep `response` but drop
 * provider metadata, and a cached failure must still be counted as cached.
 */
export const CACHED_HEADER = 'x-ragvft-cache';

/**
 * The content-addressed key of a call: sha256 over what determines the answer, nothing else.
 * `served`: the model id the server last reported for this endpoint and model, with the listing
 * epoch once it changed (see the top).
 */
export function cacheKey(model: Pick<LanguageModelV4, 'provider' | 'modelId'>, params: LanguageModelV4CallOptions, namespace?: string, served?: string | null): string {
  const material = {
    format: CACHE_FORMAT,
    namespace: namespace ?? null,
    provider: model.provider,
    modelId: model.modelId,
    served: served ?? null,
    prompt: params.prompt,
    settings: {
      maxOutputTokens: params.maxOutputTokens,
      temperature: params.temperature,
      topP: params.topP,
      topK: params.topK,
      presencePenalty: params.presencePenalty,
      frequencyPenalty: params.frequencyPenalty,
      stopSequences: params.stopSequences,
      seed: params.seed,
      responseFormat: params.responseFormat,
      tools: params.tools,
      toolChoice: params.toolChoice,
      providerOptions: params.providerOptions,
    },
    // Deliberately absent: params.headers (may carry keys), params.abortSignal, includeRawChunks.
  };
  return sha256(stableStringify(material));
}

export function entryPath(dir: string, key: string): string {
  return join(dir, key.slice(0, 2), `${key}.json`);
}

/** Tool calls make the answer depend on more than the prompt: such calls are not cached. */
const usesTools = (params: LanguageModelV4CallOptions) => (params.tools?.length ?? 0) > 0;

/** Finished answers only: 'error'/'other' mean the model did not complete normally. */
const finishedNormally = (f: LanguageModelV4FinishReason) => f.unified === 'stop' || f.unified === 'length' || f.unified === 'content-filter';

/** What is remembered per (dir, endpoint, provider, configured model): shared by every middleware of this process. */
interface ServedState {
  file: string;
  /** The model id the server last reported in an answer. */
  reported: string | null;
  /** The server's listing fingerprint last seen, and how many times it changed (part of the key once non-zero). */
  listing: string | null;
  epoch: number;
  warned: Set<string>;
}
const servedStates = new Map<string, Promise<ServedState>>();

/** The key material that stands for "this model on this server". */
const servedKey = (state: ServedState) => (state.epoch ? `${state.reported ?? ''}#${state.epoch}` : state.reported);

function servedState(dir: string, model: Pick<LanguageModelV4, 'provider' | 'modelId'>, opts: ResponseCacheOptions): Promise<ServedState> {
  const pair = sha256(stableStringify({ namespace: opts.namespace ?? null, provider: model.provider, modelId: model.modelId })).slice(0, 32);
  // Not `.json`: the `.json` files of the cache are its answer entries, and only they.
  const file = join(dir, 'served', `${pair}.served`);
  let state = servedStates.get(file);
  if (!state) {
    state = readFile(file, 'utf8')
      .then((raw) => JSON.parse(raw) as { reportedModelId?: unknown; listing?: unknown; epoch?: unknown })
      .catch(() => ({}) as { reportedModelId?: unknown; listing?: unknown; epoch?: unknown })
      .then(async (saved) => {
        const s: ServedState = {
          file,
          reported: typeof saved.reportedModelId === 'string' && saved.reportedModelId ? saved.reportedModelId : null,
          listing: typeof saved.listing === 'string' ? saved.listing : null,
          epoch: Number.isInteger(saved.epoch) ? (saved.epoch as number) : 0,
          warned: new Set<string>(),
        };
        const listing = opts.listing ?? null;
        if (listing === null || listing === s.listing) return s;
        if (s.listing !== null) {
          s.epoch++;
          opts.onModelChange?.(`the server's model listing for ${model.modelId} changed since answers were cached (another model behind the same URL?); cached answers are not reused`);
        }
        s.listing = listing;
        await saveServed(s, model, opts);
        return s;
      });
    servedStates.set(file, state);
  }
  return state;
}

async function saveServed(s: ServedState, model: Pick<LanguageModelV4, 'provider' | 'modelId'>, opts: ResponseCacheOptions): Promise<void> {
  const record = { format: CACHE_FORMAT, provider: model.provider, modelId: model.modelId, reportedModelId: s.reported, listing: s.listing, epoch: s.epoch, since: new Date().toISOString() };
  try {
    await writeFileAtomic(s.file, `${JSON.stringify(record)}\n`);
  } catch (err) {
    opts.onWriteError?.(err);
  }
}

/** The id a live answer reported: a non-empty string, else null (the server said nothing). */
const reportedId = (id: unknown) => (typeof id === 'string' && id.length > 0 ? id : null);

export function createResponseCacheMiddleware(opts: ResponseCacheOptions): LanguageModelV4Middleware {
  /** Records what a live call reported; returns the served id that keys its answer. */
  const observe = async (state: ServedState, model: LanguageModelV4, reported: string | null): Promise<string | null> => {
    if (reported === null || reported === state.reported) return servedKey(state);
    const previous = state.reported;
    state.reported = reported;
    if (previous !== null) {
      const msg = `the server now reports model ${reported} for ${model.modelId} (previously ${previous}); cached answers of the previous model are not reused`;
      if (!state.warned.has(msg)) {
        state.warned.add(msg);
        opts.onModelChange?.(msg);
      }
    }
    await saveServed(state, model, opts);
    return servedKey(state);
  };

  const store = async (key: string, model: LanguageModelV4, reported: string | null, text: string, usage: LanguageModelV4Usage, finishReason: LanguageModelV4FinishReason) => {
    const entry: CacheEntry = {
      format: CACHE_FORMAT,
      key,
      model: { provider: model.provider, modelId: model.modelId, reportedModelId: reported },
      text,
      usage: toStoredUsage(usage),
      finishReason: { unified: finishReason.unified, raw: finishReason.raw },
      cachedAt: new Date().toISOString(),
    };
    try {
      // Redaction is belt and braces: nothing secret is put in an entry in the first place.
      await writeFileAtomic(entryPath(opts.dir, key), `${JSON.stringify(redactDeep(entry))}\n`);
    } catch (err) {
      opts.onWriteError?.(err);
    }
  };

  return {
    specificationVersion: 'v4',

    async wrapGenerate({ doGenerate, params, model }) {
      if (usesTools(params)) return doGenerate();
      const state = await servedState(opts.dir, model, opts);
      const key = cacheKey(model, params, opts.namespace, servedKey(state));
      const hit = await readEntry(opts.dir, key);
      if (hit) {
        params.abortSignal?.throwIfAborted();
        return generateResultFrom(hit);
      }
      const result = await doGenerate();
      const reported = reportedId(result.response?.modelId);
      const served = await observe(state, model, reported);
      const text = textOnly(result.content);
      if (text !== null && finishedNormally(result.finishReason)) await store(cacheKey(model, params, opts.namespace, served), model, reported, text, result.usage, result.finishReason);
      return result;
    },

    async wrapStream({ doStream, params, model }) {
      if (usesTools(params)) return doStream();
      const state = await servedState(opts.dir, model, opts);
      const key = cacheKey(model, params, opts.namespace, servedKey(state));
      const hit = await readEntry(opts.dir, key);
      if (hit) {
        params.abortSignal?.throwIfAborted();
        return { stream: replayStream(hit) };
      }
      const { stream, ...rest } = await doStream();
      const onComplete = async (reported: string | null, text: string, usage: LanguageModelV4Usage, finishReason: LanguageModelV4FinishReason) => {
        const served = await observe(state, model, reported);
        await store(cacheKey(model, params, opts.namespace, served), model, reported, text, usage, finishReason);
      };
      return { ...rest, stream: stream.pipeThrough(recordingTap(onComplete, (reported) => observe(state, model, reported))) };
    },
  };
}

/** The model with the response cache in front of it. */
export function wrapWithCache(model: LanguageModelV4, dir: string, opts: Omit<ResponseCacheOptions, 'dir'> = {}): LanguageModelV4 {
  return wrapLanguageModel({ model, middleware: createResponseCacheMiddleware({ ...opts, dir }) });
}

/**
 * Passes every part through unchanged while collecting the answer. `onComplete` runs (and is
 * awaited, so the entry exists once the consumer has read the stream) only when the stream
 * ended with a normal `finish` and carried nothing but text: an error part, a stream that
 * errors or is cancelled (cut connection, abort), or tool/file output means no entry.
 */
function recordingTap(
  onComplete: (reported: string | null, text: string, usage: LanguageModelV4Usage, finishReason: LanguageModelV4FinishReason) => Promise<void>,
  /** A finished stream that is not cached still tells which model answered. */
  onReported: (reported: string | null) => Promise<unknown>,
) {
  let text = '';
  let reported: string | null = null;
  let cacheable = true;
  let finish: Extract<LanguageModelV4StreamPart, { type: 'finish' }> | null = null;
  return new TransformStream<LanguageModelV4StreamPart, LanguageModelV4StreamPart>({
    transform(part, controller) {
      switch (part.type) {
        case 'text-delta':
          text += part.delta;
          break;
        case 'finish':
          finish = part;
          break;
        case 'response-metadata':
          reported = reportedId(part.modelId) ?? reported;
          break;
        case 'stream-start':
        case 'text-start':
        case 'text-end':
        case 'raw':
        case 'reasoning-start':
        case 'reasoning-delta':
        case 'reasoning-end':
          // Reasoning is not stored: the answer is the text; its tokens stay in the usage.
          break;
        default:
          // 'error', tool calls, files, sources: not a plain finished text answer.
          cacheable = false;
      }
      controller.enqueue(part);
    },
    async flush() {
      const f = finish as Extract<LanguageModelV4StreamPart, { type: 'finish' }> | null;
      if (cacheable && f && finishedNormally(f.finishReason)) await onComplete(reported, text, f.usage, f.finishReason);
      else if (reported !== null) await onReported(reported);
    },
  });
}

/** The text of a generate result, or null if it holds anything but text (and reasoning). */
function textOnly(content: LanguageModelV4GenerateResult['content']): string | null {
  let text = '';
  for (const part of content) {
    if (part.type === 'text') text += part.text;
    else if (part.type !== 'reasoning') return null;
  }
  return text;
}

function generateResultFrom(e: CacheEntry): LanguageModelV4GenerateResult {
  return {
    content: e.text ? [{ type: 'text', text: e.text }] : [],
    finishReason: e.finishReason,
    usage: fromStoredUsage(e.usage),
    providerMetadata: CACHED_METADATA,
    response: { modelId: e.model.reportedModelId ?? e.model.modelId, headers: { [CACHED_HEADER]: 'hit' } },
    warnings: [],
  };
}

/** A stream that replays a stored answer the way a provider would stream it. */
function replayStream(e: CacheEntry): ReadableStream<LanguageModelV4StreamPart> {
  const parts: LanguageModelV4StreamPart[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'response-metadata', modelId: e.model.reportedModelId ?? e.model.modelId },
    { type: 'text-start', id: 'cached' },
    ...(e.text ? [{ type: 'text-delta' as const, id: 'cached', delta: e.text }] : []),
    { type: 'text-end', id: 'cached' },
    { type: 'finish', usage: fromStoredUsage(e.usage), finishReason: e.finishReason, providerMetadata: CACHED_METADATA },
  ];
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(p);
      controller.close();
    },
  });
}

/** The entry for `key`, or null when absent, unreadable or not in the current format. */
async function readEntry(dir: string, key: string): Promise<CacheEntry | null> {
  let raw: string;
  try {
    raw = await readFile(entryPath(dir, key), 'utf8');
  } catch {
    return null;
  }
  try {
    const e = JSON.parse(raw) as Partial<CacheEntry>;
    // A damaged or foreign file is a miss, and is overwritten by the next successful call.
    const ok = e.format === CACHE_FORMAT && e.key === key && typeof e.text === 'string' && !!e.usage && !!e.finishReason && !!e.model;
    return ok ? (e as CacheEntry) : null;
  } catch {
    return null;
  }
}

const num = (x: number | undefined | null) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const opt = (x: number | null | undefined) => (typeof x === 'number' ? x : undefined);

/** Only the counts: `usage.raw` is the provider's payload and is not ours to persist. */
function toStoredUsage(u: LanguageModelV4Usage): StoredUsage {
  return {
    inputTokens: { total: num(u.inputTokens?.total), noCache: num(u.inputTokens?.noCache), cacheRead: num(u.inputTokens?.cacheRead), cacheWrite: num(u.inputTokens?.cacheWrite) },
    outputTokens: { total: num(u.outputTokens?.total), text: num(u.outputTokens?.text), reasoning: num(u.outputTokens?.reasoning) },
  };
}

function fromStoredUsage(u: StoredUsage): LanguageModelV4Usage {
  return {
    inputTokens: { total: opt(u.inputTokens?.total), noCache: opt(u.inputTokens?.noCache), cacheRead: opt(u.inputTokens?.cacheRead), cacheWrite: opt(u.inputTokens?.cacheWrite) },
    outputTokens: { total: opt(u.outputTokens?.total), text: opt(u.outputTokens?.text), reasoning: opt(u.outputTokens?.reasoning) },
  };
}
