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
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3Middleware,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { wrapLanguageModel } from 'ai';
import { writeFileAtomic } from '../util/fs.js';
import { sha256, stableStringify } from '../util/hash.js';
import { redactDeep } from '../util/redact.js';

/** Bump when the key material or entry format changes: old entries then simply miss. */
const CACHE_FORMAT = 1;

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
}

/** What one cache file holds. */
export interface CacheEntry {
  format: typeof CACHE_FORMAT;
  key: string;
  model: { provider: string; modelId: string };
  text: string;
  usage: StoredUsage;
  finishReason: LanguageModelV3FinishReason;
  cachedAt: string;
}

/** Usage with `null` for unknown counts (JSON has no `undefined`). */
interface StoredUsage {
  inputTokens: { total: number | null; noCache: number | null; cacheRead: number | null; cacheWrite: number | null };
  outputTokens: { total: number | null; text: number | null; reasoning: number | null };
}

export const CACHED_METADATA = { ragvft: { cached: true } } as const;

/** The content-addressed key of a call: sha256 over what determines the answer, nothing else. */
export function cacheKey(model: Pick<LanguageModelV3, 'provider' | 'modelId'>, params: LanguageModelV3CallOptions, namespace?: string): string {
  const material = {
    format: CACHE_FORMAT,
    namespace: namespace ?? null,
    provider: model.provider,
    modelId: model.modelId,
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
const usesTools = (params: LanguageModelV3CallOptions) => (params.tools?.length ?? 0) > 0;

/** Finished answers only: 'error'/'other' mean the model did not complete normally. */
const finishedNormally = (f: LanguageModelV3FinishReason) => f.unified === 'stop' || f.unified === 'length' || f.unified === 'content-filter';

export function createResponseCacheMiddleware(opts: ResponseCacheOptions): LanguageModelV3Middleware {
  const store = async (key: string, model: LanguageModelV3, text: string, usage: LanguageModelV3Usage, finishReason: LanguageModelV3FinishReason) => {
    const entry: CacheEntry = {
      format: CACHE_FORMAT,
      key,
      model: { provider: model.provider, modelId: model.modelId },
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
    specificationVersion: 'v3',

    async wrapGenerate({ doGenerate, params, model }) {
      if (usesTools(params)) return doGenerate();
      const key = cacheKey(model, params, opts.namespace);
      const hit = await readEntry(opts.dir, key);
      if (hit) {
        params.abortSignal?.throwIfAborted();
        return generateResultFrom(hit);
      }
      const result = await doGenerate();
      const text = textOnly(result.content);
      if (text !== null && finishedNormally(result.finishReason)) await store(key, model, text, result.usage, result.finishReason);
      return result;
    },

    async wrapStream({ doStream, params, model }) {
      if (usesTools(params)) return doStream();
      const key = cacheKey(model, params, opts.namespace);
      const hit = await readEntry(opts.dir, key);
      if (hit) {
        params.abortSignal?.throwIfAborted();
        return { stream: replayStream(hit) };
      }
      const { stream, ...rest } = await doStream();
      return { ...rest, stream: stream.pipeThrough(recordingTap((text, usage, finishReason) => store(key, model, text, usage, finishReason))) };
    },
  };
}

/** The model with the response cache in front of it. */
export function wrapWithCache(model: LanguageModelV3, dir: string, opts: Omit<ResponseCacheOptions, 'dir'> = {}): LanguageModelV3 {
  return wrapLanguageModel({ model, middleware: createResponseCacheMiddleware({ ...opts, dir }) });
}

/**
 * Passes every part through unchanged while collecting the answer. `onComplete` runs (and is
 * awaited, so the entry exists once the consumer has read the stream) only when the stream
 * ended with a normal `finish` and carried nothing but text: an error part, a stream that
 * errors or is cancelled (cut connection, abort), or tool/file output means no entry.
 */
function recordingTap(onComplete: (text: string, usage: LanguageModelV3Usage, finishReason: LanguageModelV3FinishReason) => Promise<void>) {
  let text = '';
  let cacheable = true;
  let finish: Extract<LanguageModelV3StreamPart, { type: 'finish' }> | null = null;
  return new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
    transform(part, controller) {
      switch (part.type) {
        case 'text-delta':
          text += part.delta;
          break;
        case 'finish':
          finish = part;
          break;
        case 'stream-start':
        case 'response-metadata':
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
      const f = finish as Extract<LanguageModelV3StreamPart, { type: 'finish' }> | null;
      if (cacheable && f && finishedNormally(f.finishReason)) await onComplete(text, f.usage, f.finishReason);
    },
  });
}

/** The text of a generate result, or null if it holds anything but text (and reasoning). */
function textOnly(content: LanguageModelV3GenerateResult['content']): string | null {
  let text = '';
  for (const part of content) {
    if (part.type === 'text') text += part.text;
    else if (part.type !== 'reasoning') return null;
  }
  return text;
}

function generateResultFrom(e: CacheEntry): LanguageModelV3GenerateResult {
  return {
    content: e.text ? [{ type: 'text', text: e.text }] : [],
    finishReason: e.finishReason,
    usage: fromStoredUsage(e.usage),
    providerMetadata: CACHED_METADATA,
    response: { modelId: e.model.modelId },
    warnings: [],
  };
}

/** A stream that replays a stored answer the way a provider would stream it. */
function replayStream(e: CacheEntry): ReadableStream<LanguageModelV3StreamPart> {
  const parts: LanguageModelV3StreamPart[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'response-metadata', modelId: e.model.modelId },
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
function toStoredUsage(u: LanguageModelV3Usage): StoredUsage {
  return {
    inputTokens: { total: num(u.inputTokens?.total), noCache: num(u.inputTokens?.noCache), cacheRead: num(u.inputTokens?.cacheRead), cacheWrite: num(u.inputTokens?.cacheWrite) },
    outputTokens: { total: num(u.outputTokens?.total), text: num(u.outputTokens?.text), reasoning: num(u.outputTokens?.reasoning) },
  };
}

function fromStoredUsage(u: StoredUsage): LanguageModelV3Usage {
  return {
    inputTokens: { total: opt(u.inputTokens?.total), noCache: opt(u.inputTokens?.noCache), cacheRead: opt(u.inputTokens?.cacheRead), cacheWrite: opt(u.inputTokens?.cacheWrite) },
    outputTokens: { total: opt(u.outputTokens?.total), text: opt(u.outputTokens?.text), reasoning: opt(u.outputTokens?.reasoning) },
  };
}
