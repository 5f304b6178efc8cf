/**
 * The offline `local` provider: AI SDK language models (spec v3) that run in-process, so the
 * harness works with no weights to download. Pipelines call them through `generateText` /
 * `streamText` like any hosted model, and they see only the prompt (format: prompt.ts).
 *
 * Models: `reader` (base model, extractive reader, knows nothing closed-book) and one model per
 * local fine-tune (reader + trained memory), named by the keys of `finetunes`. Answers: answer.ts.
 *
 * Deterministic: the same prompt always gives the same answer; temperature, topP, seed and the
 * like are accepted and ignored. Usage is counted with `countTokens` (words and punctuation).
 *
 * The computation runs in worker threads (pool.ts), off the caller's event loop, so concurrent
 * calls, deadlines and abort signals are not held up by it; `providerMetadata.ragvft.cpuMs` is
 * measured in the worker around the answer's computation (compute.ts, cpuClock).
 */
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4GenerateResult, LanguageModelV4StreamPart, LanguageModelV4StreamResult } from '@ai-sdk/provider';
import type { LocalOutput } from './compute.js';
import { closeLocalModelWorkers, createLocalBackend, sharedLocalBackend, type LocalBackend } from './pool.js';
import type { LocalFinetuneWeights } from './memory.js';
import { lastUserText, promptText } from './prompt.js';
import { loadLocalFinetune } from './train.js';

export const READER_MODEL_ID = 'reader';

export interface LocalProviderOptions {
  /** Fine-tune name -> directory holding its `weights.json`. */
  finetunes?: Record<string, string>;
  /**
   * Worker threads the models compute in. Given: a pool of this provider's own (0 = inline on the
   * calling thread, blocking its event loop as the computation runs). Absent: the process-wide
   * pool (pool.ts: RAGVFT_LOCAL_WORKERS, default min(2, cores)), closed by closeLocalWorkers().
   */
  workers?: number;
  /** A backend of the caller's (tests: a LocalWorkerPool to hold); closed by close(). Overrides `workers`. */
  backend?: LocalBackend;
}

export interface LocalProvider {
  languageModel(id: string): LanguageModelV4;
  /** Terminates the worker threads this provider computes in (pending calls are rejected). Idempotent. */
  close(): Promise<void>;
}

interface LoadedWeights {
  /** The memory's key in the workers. */
  key: string;
  weights: LocalFinetuneWeights;
}

/** Weights loads in this process, for unique memory keys. */
let loads = 0;

export function createLocalProvider(opts: LocalProviderOptions = {}): LocalProvider {
  const finetunes = opts.finetunes ?? {};
  if (READER_MODEL_ID in finetunes) throw new Error(`a local fine-tune cannot be named "${READER_MODEL_ID}": that is the base model`);
  // Weights load (and are verified) once per fine-tune, here, on first use; a failed load is
  // retried on the next call. Each worker then builds its memory from them once, under a key
  // unique to this load: the shared pool serves every provider of the process, and a fine-tune
  // retrained into the same folder must not be answered from the memory of the old weights.
  const weights = new Map<string, Promise<LoadedWeights>>();
  const load = (dir: string) => {
    let w = weights.get(dir);
    if (!w) {
      const key = `${dir}#${++loads}`;
      w = loadLocalFinetune(dir).then((data) => ({ key, weights: data }));
      w.catch(() => weights.delete(dir));
      weights.set(dir, w);
    }
    return w;
  };
  const own = opts.backend ?? (opts.workers === undefined ? null : createLocalBackend(opts.workers));
  const backend = () => own ?? sharedLocalBackend();

  return {
    languageModel(id: string): LanguageModelV4 {
      if (id === READER_MODEL_ID) return new LocalLanguageModel(id, null, backend, load);
      const dir = finetunes[id];
      if (dir === undefined) {
        const known = [READER_MODEL_ID, ...Object.keys(finetunes)].map((k) => `"${k}"`).join(', ');
        throw new Error(`unknown local model "${id}"; known local models: ${known}`);
      }
      return new LocalLanguageModel(id, dir, backend, load);
    },
    async close() {
      if (own) await own.close();
      else await closeLocalModelWorkers();
    },
  };
}

class LocalLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = 'local';
  readonly supportedUrls = {};

  constructor(
    readonly modelId: string,
    /** Fine-tune weights folder; null for the base reader. */
    private readonly dir: string | null,
    private readonly backend: () => LocalBackend,
    private readonly loadWeights: (dir: string) => Promise<LoadedWeights>,
  ) {}

  /** Computes in a worker (compute.ts); the abort signal rejects at once, queued or computing. */
  private async run(options: LanguageModelV4CallOptions): Promise<LocalOutput> {
    options.abortSignal?.throwIfAborted();
    const loaded = this.dir === null ? undefined : await this.loadWeights(this.dir);
    const task = { modelId: this.modelId, memory: loaded?.key ?? null, input: promptText(options.prompt), user: lastUserText(options.prompt), maxOutputTokens: options.maxOutputTokens };
    return this.backend().run(task, options.abortSignal, loaded?.weights);
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const out = await this.run(options);
    return {
      content: [{ type: 'text', text: out.text }],
      finishReason: out.finishReason,
      usage: out.usage,
      response: { id: out.responseId, modelId: this.modelId, timestamp: new Date() },
      providerMetadata: { ragvft: { cpuMs: out.cpuMs } },
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const out = await this.run(options);
    const signal = options.abortSignal;
    const parts: LanguageModelV4StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: out.responseId, modelId: this.modelId, timestamp: new Date() },
      { type: 'text-start', id: '0' },
      // One delta per word, each with its trailing whitespace, so the deltas join to the answer.
      ...(out.text.match(/\S+\s*|\s+/g) ?? []).map((delta): LanguageModelV4StreamPart => ({ type: 'text-delta', id: '0', delta })),
      { type: 'text-end', id: '0' },
      { type: 'finish', usage: out.usage, finishReason: out.finishReason, providerMetadata: { ragvft: { cpuMs: out.cpuMs } } },
    ];
    let next = 0;
    let onAbort: (() => void) | undefined;
    const stream = new ReadableStream<LanguageModelV4StreamPart>(
      {
        start(controller) {
          // Error the stream as soon as the caller aborts, dropping anything not yet read.
          onAbort = () => controller.error(signal!.reason);
          signal?.addEventListener('abort', onAbort, { once: true });
        },
        pull(controller) {
          if (signal?.aborted) return controller.error(signal.reason);
          controller.enqueue(parts[next++]!);
          if (next === parts.length) {
            signal?.removeEventListener('abort', onAbort!);
            controller.close();
          }
        },
        cancel() {
          signal?.removeEventListener('abort', onAbort!);
        },
      },
      // Produce parts only when asked, like a network stream, so an abort stops the rest.
      { highWaterMark: 0 },
    );
    return { stream };
  }
}
