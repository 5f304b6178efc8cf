import { describe, expect, it } from 'vitest';
import { InputError } from '../util/errors.js';
import { createModelRegistry, isLocal, PROVIDER_FACTORIES } from './registry.js';

const providers = {
  srv: { type: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:9/v1', apiKeyEnv: 'RAGVFT_REG_KEY' },
  nourl: { type: 'openai-compatible' as const },
};
const env = { RAGVFT_REG_KEY: 'k', OPENAI_API_KEY: 'o' };

describe('isLocal', () => {
  it('is true only for refs of the local provider, and never throws', () => {
    expect(isLocal('local:reader')).toBe(true);
    expect(isLocal('local:ft-paraphrase')).toBe(true);
    expect(isLocal('local:ppmi-svd')).toBe(true);
    for (const ref of ['openai:gpt-4o-mini', 'srv:local', 'localx:reader', 'Xenova/all-MiniLM-L6-v2', 'local', ':local', '']) expect(isLocal(ref), ref).toBe(false);
  });
  it('agrees with the factory table', () => {
    expect(Object.entries(PROVIDER_FACTORIES).map(([k, f]) => [k, f.type, f.local])).toEqual([
      ['local', 'local', true],
      ['openai', 'openai', false],
      ['openai-compatible', 'openai-compatible', false],
    ]);
  });
});

describe('createModelRegistry', () => {
  const registry = () => createModelRegistry({ providers, localFinetunes: {}, refs: [], env });

  it('resolves each provider type', () => {
    const r = registry();
    expect(r.languageModel('local:reader')).toMatchObject({ provider: 'local', modelId: 'reader' });
    expect(r.languageModel('srv:m').modelId).toBe('m');
    expect(r.languageModel('openai:gpt-4o-mini').modelId).toBe('gpt-4o-mini');
    expect(r.embeddingModel('srv:e').modelId).toBe('e');
    expect(['local:reader', 'srv:m', 'openai:x', 'nope:x'].map((ref) => r.providerType(ref))).toEqual(['local', 'openai-compatible', 'openai', 'unknown']);
    expect(['local:reader', 'srv:m', 'openai:x', 'nope:x'].map((ref) => r.endpoint(ref))).toEqual(['local', 'http://127.0.0.1:9/v1', 'default:openai', 'default:nope']);
  });

  it('keeps its error messages: unknown provider, missing key, missing baseURL, bad ref', () => {
    const make = (refs: string[], e: NodeJS.ProcessEnv = env) => () => createModelRegistry({ providers, localFinetunes: {}, refs, env: e });
    expect(make(['nope:m'])).toThrow(new InputError('unknown provider "nope" (known: local, openai, srv, nourl)'));
    expect(make(['srv:m'], {})).toThrow(new InputError('provider "srv" needs an API key: set the environment variable RAGVFT_REG_KEY'));
    expect(make(['nourl:m'])).toThrow(new InputError('provider "nourl" (openai-compatible) needs a baseURL'));
    expect(make(['reader'])).toThrow(/must look like <provider>:<model>/);
    expect(() => registry().embeddingModel('local:reader')).toThrow(/provider "local" has no embedding models/);
    expect(() => registry().languageModel('local:nope')).toThrow(/unknown local model "nope"/);
  });

  it('reads local fine-tunes added after it was made', () => {
    const finetunes: Record<string, string> = {};
    const r = createModelRegistry({ providers: {}, localFinetunes: finetunes, refs: [], env });
    finetunes.ft = '/nonexistent';
    expect(r.languageModel('local:ft').modelId).toBe('ft');
  });
});
