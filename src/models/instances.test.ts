import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateText } from 'ai';
import { MockLanguageModelV3, MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/schema.js';
import { InputError } from '../util/errors.js';
import { redactSecrets } from '../util/redact.js';
import { wrapWithCache } from './cache.js';
import { instanceRef, isLanguageModelInstance, registerEnvSecrets, separateModelInstances } from './instances.js';
import { lookupPrice } from './prices.js';
import { createModelRegistry } from './registry.js';

const usage = { inputTokens: { total: 11, noCache: 11, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 3, text: 3, reasoning: undefined } };

function mock(opts: { provider?: string; modelId?: string; text?: string } = {}) {
  let calls = 0;
  const model = new MockLanguageModelV4({
    provider: opts.provider ?? 'anthropic.messages',
    modelId: opts.modelId ?? 'claude-test',
    doGenerate: async () => {
      calls++;
      return { content: [{ type: 'text', text: opts.text ?? 'Osric Vell' }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] };
    },
  });
  return { model, calls: () => calls };
}

const parse = (over: Record<string, unknown>) => ConfigSchema.parse({ dataset: 'd', ...over });

describe('model instances in a config', () => {
  it('are recognised by shape (v2, v3, v4), and nothing else is', () => {
    expect(isLanguageModelInstance(mock().model)).toBe(true);
    expect(isLanguageModelInstance(new MockLanguageModelV3({ provider: 'p', modelId: 'm' }))).toBe(true);
    for (const v of [null, 'openai:gpt-4o', { provider: 'p', modelId: 'm' }, { ...mock().model, specificationVersion: 'v1' }]) expect(isLanguageModelInstance(v)).toBe(false);
  });

  it('config models accept an instance; anything else that is not a ref string is refused with one clear message', () => {
    const { model } = mock();
    expect(parse({ models: { base: model } }).models.base).toBe(model);
    const bad = ConfigSchema.safeParse({ dataset: 'd', models: { base: { provider: 'p', modelId: 'm' } } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['models', 'base']);
    expect(bad.error!.issues[0]!.message).toMatch(/^must be '<provider>:<model>' or an AI SDK language model instance/);
    // A string keeps the string's own message.
    expect(ConfigSchema.safeParse({ dataset: 'd', models: { base: 'nope' } }).error!.issues[0]!.message).toBe('must look like <provider>:<model>');
  });

  it('are replaced by their id `${provider}:${modelId}` in the config the run hashes and stores, and the ids resolve to the models', async () => {
    const a = mock();
    const v3 = new MockLanguageModelV3({
      provider: 'ollama.chat',
      modelId: 'llama3.2',
      doGenerate: async () => ({ content: [{ type: 'text', text: 'slate' }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] }),
    });
    const config = parse({ models: { base: a.model, small: 'openai:gpt-4o-mini' }, pipelines: [{ name: 'rag', model: 'base', retrieval: true }, { name: 'cb', model: v3, retrieval: false }] });
    const { config: plain, instances } = separateModelInstances(config);
    expect(plain.models).toEqual({ base: 'anthropic.messages:claude-test', small: 'openai:gpt-4o-mini' });
    expect(plain.pipelines[1]).toEqual({ name: 'cb', model: 'ollama.chat:llama3.2', retrieval: false });
    expect(JSON.stringify(plain)).not.toContain('doGenerate');
    expect([...instances.keys()]).toEqual(['anthropic.messages:claude-test', 'ollama.chat:llama3.2']);
    // The v3 model is converted to the spec the run speaks.
    expect(instances.get('ollama.chat:llama3.2')!.specificationVersion).toBe('v4');
    const registry = createModelRegistry({ providers: {}, localFinetunes: {}, refs: [...instances.keys()], instances, env: {} });
    expect((await generateText({ model: registry.languageModel('ollama.chat:llama3.2'), prompt: 'q' })).text).toBe('slate');
    expect(registry.providerType('anthropic.messages:claude-test')).toBe('instance');
  });

  it('a judge instance is named by its id like a pipeline model; an instance shared with a pipeline is one model', () => {
    const judge = mock({ provider: 'judge.mock', modelId: 'j1' }).model;
    const { config, instances } = separateModelInstances(parse({ judge: { model: judge } }));
    expect(config.judge!.model).toBe('judge.mock:j1');
    expect([...instances.keys()]).toEqual(['judge.mock:j1']);
    const shared = mock().model;
    expect(separateModelInstances(parse({ models: { base: shared }, judge: { model: shared } })).instances.size).toBe(1);
    expect(() => separateModelInstances(parse({ models: { base: 'srv:m' }, judge: { model: mock({ provider: 'srv', modelId: 'm' }).model } }))).toThrow(/same id as a model reference string/);
    expect(ConfigSchema.safeParse({ dataset: 'd', judge: { model: { provider: 'p' } } }).error!.issues[0]!.message).toMatch(/or an AI SDK language model instance/);
  });

  it('refuses two different objects with one id, and the reserved local provider', () => {
    expect(() => separateModelInstances(parse({ models: { a: mock().model, b: mock().model } }))).toThrow(InputError);
    expect(() => separateModelInstances(parse({ models: { a: mock().model, b: mock().model } }))).toThrow(/models\.a and models\.b .* same id anthropic\.messages:claude-test/);
    const same = mock().model;
    expect(separateModelInstances(parse({ models: { a: same, b: same } })).instances.size).toBe(1);
    expect(() => separateModelInstances(parse({ models: { a: mock({ provider: 'local', modelId: 'reader' }).model } }))).toThrow(/reserved/);
    expect(() => separateModelInstances(parse({ models: { a: mock({ provider: 'srv', modelId: 'm' }).model, b: 'srv:m' } }))).toThrow(/same id as a model reference string/);
  });

  it('find their price by id, or by provider family (`anthropic:` for `anthropic.messages:`); @ai-sdk/openai ids find the built-in table', () => {
    const own = { input: 3, output: 15 };
    expect(lookupPrice('anthropic.messages:claude-test', { overrides: { 'anthropic.messages:claude-test': own }, providerType: 'instance' }).price).toEqual(own);
    expect(lookupPrice('anthropic.messages:claude-test', { overrides: { 'anthropic:claude-test': own }, providerType: 'instance' }).price).toEqual(own);
    expect(lookupPrice('anthropic.messages:claude-test', { overrides: {}, providerType: 'instance' })).toEqual({ price: null, source: 'unknown' });
    expect(lookupPrice('openai.responses:gpt-4o-mini', { overrides: {}, providerType: 'instance' }).price).toEqual(lookupPrice('openai:gpt-4o-mini', { overrides: {} }).price);
  });

  it('are response-cached under their id: a fresh instance with the same id replays the answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-inst-cache-'));
    try {
      const first = mock();
      const ask = (m: MockLanguageModelV4) => generateText({ model: wrapWithCache(m, dir, { namespace: `instance:${instanceRef(m)}` }), prompt: 'Who is the mayor?' });
      expect((await ask(first.model)).text).toBe('Osric Vell');
      const second = mock({ text: 'something else' });
      const again = await ask(second.model);
      expect(again.text).toBe('Osric Vell');
      expect(second.calls()).toBe(0);
      // Another model id is another key.
      const other = mock({ modelId: 'claude-other', text: 'Mira Tull' });
      expect((await ask(other.model)).text).toBe('Mira Tull');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('registerEnvSecrets redacts credentials that provider packages read from the environment', () => {
    registerEnvSecrets({ RAGVFT_TEST_ANTHROPIC_API_KEY: 'sk-ant-test-0123456789', RAGVFT_TEST_FLAG_TOKEN: '1', RAGVFT_TEST_HOME: '/home/someone-long' });
    expect(redactSecrets('key sk-ant-test-0123456789 here')).toBe('key [REDACTED] here');
    expect(redactSecrets('/home/someone-long 1')).toBe('/home/someone-long 1');
  });
});
