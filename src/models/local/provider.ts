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
 */
import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3GenerateResult, LanguageModelV3StreamPart, LanguageModelV3StreamResult, LanguageModelV3Usage } from '@ai-sdk/provider';
import { sha256 } from '../../util/hash.js';
import { answerWithMemory, answerWithReader, type LocalAnswer } from './answer.js';
import { Memory } from './memory.js';
import { lastUserText, parseUserPrompt, promptText, type ParsedPrompt } from './prompt.js';
import { countTokens, tokenPrefixEnd } from './text.js';
import { loadLocalFinetune } from './train.js';

export const READER_MODEL_ID = 'reader';

export interface LocalProviderOptions {
  /** Fine-tune name -> directory holding its `weights.json`. */
  finetunes?: Record<string, string>;
}

export interface LocalProvider {
  languageModel(id: string): LanguageModelV3;
}

export function createLocalProvider(opts: LocalProviderOptions = {}): LocalProvider {
  const finetunes = opts.finetunes ?? {};
  if (READER_MODEL_ID in finetunes) throw new Error(`a local fine-tune cannot be named "${READER_MODEL_ID}": that is the base model`);
  // Weights load once per fine-tune, on first use; a failed load is retried on the next call.
  const memories = new Map<string, Promise<Memory>>();
  const memory = (id: string, dir: string) => {
    let m = memories.get(id);
    if (!m) {
      m = loadLocalFinetune(dir).then((w) => new Memory(w));
      m.catch(() => memories.delete(id));
      memories.set(id, m);
    }
    return m;
  };

  return {
    languageModel(id: string): LanguageModelV3 {
      if (id === READER_MODEL_ID) return new LocalLanguageModel(id, async () => answerWithReader);
      const dir = finetunes[id];
      if (dir === undefined) {
        const known = [READER_MODEL_ID, ...Object.keys(finetunes)].map((k) => `"${k}"`).join(', ');
        throw new Error(`unknown local model "${id}"; known local models: ${known}`);
      }
      return new LocalLanguageModel(id, async () => {
        const m = await memory(id, dir);
        return (p) => answerWithMemory(p, m);
      });
    },
  };
}

interface Output {
  text: string;
  usage: LanguageModelV3Usage;
  finishReason: LanguageModelV3GenerateResult['finishReason'];
  responseId: string;
  /** CPU milliseconds of the answer's computation (user + system). */
  cpuMs: number;
}

class LocalLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'local';
  readonly supportedUrls = {};

  constructor(
    readonly modelId: string,
    /** Resolves (loading weights once) to the synchronous answer function. */
    private readonly load: () => Promise<(p: ParsedPrompt) => LocalAnswer>,
  ) {}

  private async run(options: LanguageModelV3CallOptions): Promise<Output> {
    options.abortSignal?.throwIfAborted();
    const answer = await this.load();
    // The computation is synchronous, so process CPU time around it is this call's alone: other
    // calls in flight cannot run in between (wall time would also count their turns).
    const cpu0 = process.cpuUsage();
    const input = promptText(options.prompt);
    const { text: full } = answer(parseUserPrompt(lastUserText(options.prompt)));
    const cpu = process.cpuUsage(cpu0);
    options.abortSignal?.throwIfAborted();

    let text = full;
    let finishReason: Output['finishReason'] = { unified: 'stop', raw: 'stop' };
    const max = options.maxOutputTokens;
    if (max !== undefined && countTokens(full) > max) {
      text = full.slice(0, tokenPrefixEnd(full, max));
      finishReason = { unified: 'length', raw: 'length' };
    }
    const inputTokens = countTokens(input);
    const outputTokens = countTokens(text);
    return {
      text,
      finishReason,
      usage: {
        inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
      },
      // Deterministic id: same model and prompt, same id.
      responseId: `local-${sha256(`${this.modelId}\n${input}`).slice(0, 24)}`,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
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

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const out = await this.run(options);
    const signal = options.abortSignal;
    const parts: LanguageModelV3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: out.responseId, modelId: this.modelId, timestamp: new Date() },
      { type: 'text-start', id: '0' },
      // One delta per word, each with its trailing whitespace, so the deltas join to the answer.
      ...(out.text.match(/\S+\s*|\s+/g) ?? []).map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id: '0', delta })),
      { type: 'text-end', id: '0' },
      { type: 'finish', usage: out.usage, finishReason: out.finishReason, providerMetadata: { ragvft: { cpuMs: out.cpuMs } } },
    ];
    let next = 0;
    let onAbort: (() => void) | undefined;
    const stream = new ReadableStream<LanguageModelV3StreamPart>(
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
