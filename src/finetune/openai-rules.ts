/**
 * OpenAI's rules for chat fine-tuning files, checked before anything is uploaded, and the token
 * count that prices a job. Sources (README, "Fine-tuning at OpenAI"): the fine-tuning guide's data
 * format and token limits, and the cookbook "Data preparation and analysis for chat model
 * fine-tuning" (message token overhead, default-epochs heuristic).
 */
import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import type { FinetuneExample } from '../dataset/schema.js';
import { InputError } from '../util/errors.js';

/** OpenAI refuses training files with fewer examples. */
export const MIN_EXAMPLES = 10;

/** Default per-example limit when a base model is not in the table (the gpt-4o-mini figure). */
export const DEFAULT_MAX_EXAMPLE_TOKENS = 65_536;

/** Per-example token limits (context length for training) of OpenAI base models, from the guide. */
const MAX_EXAMPLE_TOKENS: Record<string, number> = {
  'gpt-4o-mini-2024-07-18': 65_536,
  'gpt-4o-2024-08-06': 65_536,
  'gpt-3.5-turbo-0125': 16_385,
  'gpt-3.5-turbo-1106': 16_385,
  'gpt-3.5-turbo-0613': 4_096,
};

export function maxExampleTokens(baseModel: string, override?: number): number {
  return override ?? MAX_EXAMPLE_TOKENS[baseModel] ?? DEFAULT_MAX_EXAMPLE_TOKENS;
}

/** gpt-4o, gpt-4.1 and o-series models use o200k_base; older chat models cl100k_base. */
function tokenCounter(baseModel: string): (text: string) => number {
  return /^(gpt-3\.5|gpt-4-|gpt-4$)/.test(baseModel) ? countCl100k : countO200k;
}

/** Tokens of one example as the cookbook counts them: 3 per message + role + content, + 3 to prime the reply. */
export function exampleTokens(ex: FinetuneExample, baseModel: string): number {
  const count = tokenCounter(baseModel);
  return ex.messages.reduce((n, m) => n + 3 + count(m.role) + count(m.content), 3);
}

/**
 * Epochs OpenAI picks for `n_epochs: "auto"` (the cookbook's heuristic): 3, raised so that
 * examples × epochs reaches 100 (at most 25 epochs), lowered so it stays under 25,000 (at least 1).
 */
export function autoEpochs(examples: number): number {
  if (examples * 3 < 100) return Math.min(25, Math.ceil(100 / examples));
  if (examples * 3 > 25_000) return Math.max(1, Math.floor(25_000 / examples));
  return 3;
}

/** What is uploaded: `messages` only, so provenance and access marks never leave the machine. */
export function uploadJsonl(examples: readonly FinetuneExample[]): string {
  return examples.map((ex) => JSON.stringify({ messages: ex.messages })).join('\n') + '\n';
}

export interface OpenAIDataCheck {
  examples: number;
  /** Tokens of one pass over the data (what one epoch bills). */
  tokens: number;
  maxTokens: number;
  limit: number;
}

/**
 * Checks the examples (already valid chat examples, see FinetuneExampleSchema) against the rules
 * the schema cannot know: example count, a trainable assistant turn, the base model's token
 * limit. Throws an InputError naming the file and the first offending line.
 */
export function checkForOpenAI(examples: readonly FinetuneExample[], file: string, baseModel: string, limitOverride?: number): OpenAIDataCheck {
  if (examples.length < MIN_EXAMPLES) throw new InputError(`${examples.length} examples: OpenAI fine-tuning needs at least ${MIN_EXAMPLES}`, { file });
  const limit = maxExampleTokens(baseModel, limitOverride);
  let tokens = 0;
  let maxTokens = 0;
  for (const [i, ex] of examples.entries()) {
    if (!ex.messages.some((m) => m.role === 'assistant' && m.weight !== 0)) {
      throw new InputError('every assistant message has weight 0: nothing to train on', { file, line: i + 1, field: 'messages' });
    }
    const n = exampleTokens(ex, baseModel);
    if (n > limit) throw new InputError(`${n} tokens, over the ${limit}-token limit per example of ${baseModel} (finetune.*.maxExampleTokens sets another)`, { file, line: i + 1 });
    tokens += n;
    maxTokens = Math.max(maxTokens, n);
  }
  return { examples: examples.length, tokens, maxTokens, limit };
}
