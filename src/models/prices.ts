import type { Price } from '../config/schema.js';
import { isLocal } from './registry.js';

/**
 * Built-in prices, USD per 1M tokens, from OpenAI's public price page as of this date. Prices
 * change: check before relying on them, and override or add entries in config `cost.prices`.
 */
export const PRICES_AS_OF = '2025-07-01';

interface OpenAIPrice {
  base: { input: number; output: number };
  /** Fine-tuned inference and training prices, for models OpenAI fine-tunes. */
  fineTuned?: { input: number; output: number; training: number };
}

const OPENAI: Record<string, OpenAIPrice> = {
  'gpt-4o-mini-2024-07-18': { base: { input: 0.15, output: 0.6 }, fineTuned: { input: 0.3, output: 1.2, training: 3.0 } },
  'gpt-4o-2024-08-06': { base: { input: 2.5, output: 10.0 }, fineTuned: { input: 3.75, output: 15.0, training: 25.0 } },
  'gpt-4.1-2025-04-14': { base: { input: 2.0, output: 8.0 }, fineTuned: { input: 3.0, output: 12.0, training: 25.0 } },
  'gpt-4.1-mini-2025-04-14': { base: { input: 0.4, output: 1.6 }, fineTuned: { input: 0.8, output: 3.2, training: 5.0 } },
  'gpt-4.1-nano-2025-04-14': { base: { input: 0.1, output: 0.4 }, fineTuned: { input: 0.2, output: 0.8, training: 1.5 } },
  'text-embedding-3-small': { base: { input: 0.02, output: 0 } },
  'text-embedding-3-large': { base: { input: 0.13, output: 0 } },
};

// Undated aliases point at the snapshot they served on PRICES_AS_OF.
const ALIASES: Record<string, string> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
};

/** `ft:<base>:<org>:<suffix>:<id>` -> `<base>`. */
function fineTuneBase(modelId: string): string | null {
  return modelId.startsWith('ft:') ? (modelId.split(':')[1] ?? null) : null;
}

export interface PriceLookup {
  price: Price | null;
  source: 'config' | 'built-in' | 'local' | 'unknown';
}

/**
 * Price of `<provider>:<model>`: config overrides first, then the built-in OpenAI table (by
 * provider type `openai`), then local models, which have no per-token price (their CPU time is
 * reported separately). Anything else is unknown: cost is reported as null, never 0.
 *
 * A model instance's id names the provider with its API (`openai.responses:gpt-4o-mini`,
 * `anthropic.messages:claude-…`): the part before the dot is the provider family, so
 * `cost.prices` may key it either way and an @ai-sdk/openai instance finds the built-in price.
 */
export function lookupPrice(ref: string, opts: { overrides: Record<string, Price>; providerType?: string }): PriceLookup {
  const [provider = '', ...rest] = ref.split(':');
  const modelId = rest.join(':');
  const family = provider.split('.')[0]!;
  const override = opts.overrides[ref] ?? opts.overrides[`${family}:${modelId}`];
  if (override) return { price: override, source: 'config' };
  if (isLocal(ref)) return { price: { input: 0, output: 0, training: 0 }, source: 'local' };
  if (opts.providerType === 'openai' || family === 'openai') {
    const ftBase = fineTuneBase(modelId);
    const entry = OPENAI[ALIASES[ftBase ?? modelId] ?? ftBase ?? modelId];
    if (entry) {
      if (ftBase) return entry.fineTuned ? { price: entry.fineTuned, source: 'built-in' } : { price: null, source: 'unknown' };
      return { price: { ...entry.base, training: entry.fineTuned?.training }, source: 'built-in' };
    }
  }
  return { price: null, source: 'unknown' };
}

export function callCostUsd(price: Price | null, tokens: { input: number; output: number }): number | null {
  if (!price) return null;
  return (tokens.input * price.input + tokens.output * price.output) / 1e6;
}
