import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { Chunk } from '../retrieval/chunk.js';

export interface Retrieval {
  chunks: Chunk[];
  docIds: string[];
  timings: { embedMs: number; searchMs: number };
}

/** What a pipeline needs to answer: everything else (scoring, cost) happens downstream. */
export interface PipelineSpec {
  name: string;
  modelRef: string;
  model: LanguageModelV3;
  retrieve: ((question: string, asOf: string) => Promise<Retrieval>) | null;
}

/** The raw outcome of one (question, pipeline) call, before scoring. */
export interface Answer {
  text: string | null;
  retrievedDocIds: string[] | null;
  latencyMs: { total: number; embed: number | null; search: number | null; generate: number | null; firstToken: number | null };
  tokens: { input: number; output: number };
  cached: boolean;
  error: unknown;
}
