import type { LanguageModelV4 } from '@ai-sdk/provider';
import type { Question } from '../dataset/schema.js';
import type { Chunk } from '../retrieval/chunk.js';
import type { Retrieval, SearchFilter } from '../retrieval/retriever.js';

export type { Retrieval };

/** What a pipeline needs to answer: everything else (scoring, cost) happens downstream. */
export interface PipelineSpec {
  name: string;
  modelRef: string;
  model: LanguageModelV4;
  /** `asOf` null: the question has no date, so no temporal filter applies. */
  retrieve: ((question: string, filter: SearchFilter) => Promise<Retrieval>) | null;
}

/** A pipeline that answers by itself (a custom function, an HTTP service) instead of through a model ragvft prompts. */
export interface SelfAnsweringSpec {
  name: string;
  /** What results name as its model: `custom:<name>` or `http:<name>`. */
  modelRef: string;
  answer: (q: Question, signal: AbortSignal) => Promise<Answer>;
}

/** The raw outcome of one (question, pipeline) call, before scoring. */
export interface Answer {
  text: string | null;
  retrievedDocIds: string[] | null;
  /** The retrieved chunks (what answer-in-context is judged on); null without retrieval. */
  retrievedChunks: Pick<Chunk, 'docId' | 'title' | 'text'>[] | null;
  latencyMs: { total: number; embed: number | null; search: number | null; generate: number | null; firstToken: number | null };
  /** Null when the server reported no usage. */
  tokens: { input: number; output: number } | null;
  /** As the model reported it (`stop`, `length`, ...). */
  finishReason: string | null;
  /** The model id the response names. */
  responseModelId: string | null;
  /** CPU time of a local model's computation, from its provider metadata. */
  cpuMs: number | null;
  cached: boolean;
  /** With retrieval: the query embedding was served from the embedding cache; null without retrieval. */
  embedCached: boolean | null;
  /** Document ids of the passages shown in the prompt, in order ([] without retrieval). */
  contextDocIds: string[];
  /** Ids the answer cites (stripped from `text`); null when no citations were asked or the call failed. */
  citations: string[] | null;
  error: unknown;
}
