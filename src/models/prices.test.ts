import { describe, expect, it } from 'vitest';
import { callCostUsd, lookupPrice } from './prices.js';

describe('price table', () => {
  it('base, alias and fine-tuned OpenAI models', () => {
    expect(lookupPrice('openai:gpt-4o-mini', { overrides: {} }).price).toEqual({ input: 0.15, output: 0.6, training: 3 });
    expect(lookupPrice('openai:ft:gpt-4o-mini-2024-07-18:acme::abc123', { overrides: {} }).price).toEqual({ input: 0.3, output: 1.2, training: 3 });
  });
  it('config overrides win; unknown models have no price (null, never 0)', () => {
    expect(lookupPrice('openai:gpt-4o-mini', { overrides: { 'openai:gpt-4o-mini': { input: 1, output: 2 } } }).price).toEqual({ input: 1, output: 2 });
    expect(lookupPrice('vllm:my-llama', { overrides: {}, providerType: 'openai-compatible' })).toEqual({ price: null, source: 'unknown' });
    expect(callCostUsd(null, { input: 10, output: 10 })).toBeNull();
  });
  it('local models cost nothing per token', () => {
    expect(lookupPrice('local:reader', { overrides: {} }).source).toBe('local');
  });
  it('cost = tokens x price per million', () => {
    expect(callCostUsd({ input: 0.15, output: 0.6 }, { input: 1_000_000, output: 500_000 })).toBeCloseTo(0.45);
  });
});
