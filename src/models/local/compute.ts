/**
 * The local models' per-call computation, as plain data in and out, so it can run in a worker
 * thread (worker.ts) or, with `workers: 0`, inline on the calling thread. Either way the same
 * code computes the answer, so answers, usage and response ids do not depend on where it ran.
 */
import type { LanguageModelV4GenerateResult, LanguageModelV4Usage } from '@ai-sdk/provider';
import { sha256 } from '../../util/hash.js';
import { answerWithMemory, answerWithReader, type LocalAnswer } from './answer.js';
import { Memory, type LocalFinetuneWeights } from './memory.js';
import { parseUserPrompt, type ParsedPrompt } from './prompt.js';
import { countTokens, tokenPrefixEnd } from './text.js';

/** One call, as the provider sends it to a worker. */
export interface LocalTask {
  modelId: string;
  /** Key of the fine-tune's memory (one per weights load), null for the base reader. */
  memory: string | null;
  /** All text of the prompt (promptText), for usage and the response id. */
  input: string;
  /** The last user message (lastUserText): what the model reads. */
  user: string;
  maxOutputTokens?: number;
}

export interface LocalOutput {
  text: string;
  usage: LanguageModelV4Usage;
  finishReason: LanguageModelV4GenerateResult['finishReason'];
  responseId: string;
  /** CPU milliseconds of the answer's computation (see cpuClock). */
  cpuMs: number;
}

type AnswerFn = (p: ParsedPrompt) => LocalAnswer;

/**
 * A clock of the calling thread's CPU time, in ms. Node >= 23.9 has process.threadCpuUsage (CPU
 * time of this thread alone). On older Node, in a worker, process.cpuUsage() would be the whole
 * process's (every thread's) CPU, so the worker's busy wall time is used instead: the computation
 * is synchronous on a thread of its own, so that is its CPU time unless the OS preempts the thread
 * (more runnable threads than cores). On the main thread, inline, process.cpuUsage() is used as
 * before: nothing else runs on the event loop during the synchronous computation.
 */
export function cpuClock(inWorker: boolean): () => () => number {
  const threadCpu = (process as { threadCpuUsage?: (prev?: NodeJS.CpuUsage) => NodeJS.CpuUsage }).threadCpuUsage;
  if (threadCpu) {
    return () => {
      const c0 = threadCpu();
      return () => {
        const c = threadCpu(c0);
        return (c.user + c.system) / 1000;
      };
    };
  }
  if (inWorker) {
    return () => {
      const t0 = performance.now();
      return () => performance.now() - t0;
    };
  }
  return () => {
    const c0 = process.cpuUsage();
    return () => {
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000;
    };
  };
}

/**
 * The fine-tunes' memories a thread holds, by key. Weights are loaded (and verified) once, on the
 * main thread, and handed over with `put`; each thread builds its own Memory from them.
 */
export class MemoryStore {
  /** A Memory, or why its weights could not be built into one. */
  private readonly memories = new Map<string, Memory | Error>();

  has(key: string): boolean {
    return this.memories.has(key);
  }

  put(key: string, weights: LocalFinetuneWeights): void {
    if (this.memories.has(key)) return;
    try {
      this.memories.set(key, new Memory(weights));
    } catch (err) {
      this.memories.set(key, err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** The answer function of a task's model. */
  answerer(key: string | null): AnswerFn {
    if (key === null) return answerWithReader;
    const memory = this.memories.get(key);
    if (!memory) throw new Error(`local fine-tune memory ${key} was not sent to this thread`);
    if (memory instanceof Error) throw memory;
    return (p) => answerWithMemory(p, memory);
  }
}

/**
 * The answer's text, with a `Sources: [doc-id]` line naming the passage it came from when the
 * prompt shows document ids (the pipelines do when citations are asked). Abstentions and answers
 * from memory alone cite nothing.
 */
export function citedText(a: LocalAnswer, p: ParsedPrompt): string {
  const docId = a.passage === undefined ? undefined : p.passages[a.passage]?.docId;
  return docId === undefined ? a.text : `${a.text}\nSources: [${docId}]`;
}

/** The answer, cut at maxOutputTokens, with usage and a deterministic response id. */
export function computeAnswer(task: LocalTask, answer: AnswerFn, clock: () => () => number): LocalOutput {
  const elapsed = clock();
  const prompt = parseUserPrompt(task.user);
  const full = citedText(answer(prompt), prompt);
  const cpuMs = elapsed();

  let text = full;
  let finishReason: LocalOutput['finishReason'] = { unified: 'stop', raw: 'stop' };
  const max = task.maxOutputTokens;
  if (max !== undefined && countTokens(full) > max) {
    text = full.slice(0, tokenPrefixEnd(full, max));
    finishReason = { unified: 'length', raw: 'length' };
  }
  const inputTokens = countTokens(task.input);
  const outputTokens = countTokens(text);
  return {
    text,
    finishReason,
    usage: {
      inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
    },
    // Deterministic id: same model and prompt, same id.
    responseId: `local-${sha256(`${task.modelId}\n${task.input}`).slice(0, 24)}`,
    cpuMs,
  };
}
