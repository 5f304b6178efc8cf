import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModelV3, LanguageModelV3 } from '@ai-sdk/provider';
import type { ProviderConfig } from '../config/schema.js';
import { InputError } from '../util/errors.js';
import { registerSecret } from '../util/redact.js';
import { createLocalProvider } from './local/provider.js';

/** Providers every config has unless it redefines them. */
export const BUILTIN_PROVIDERS: Record<string, ProviderConfig> = {
  openai: { type: 'openai', apiKeyEnv: 'OPENAI_API_KEY' },
};

export interface ModelRegistry {
  /** The AI SDK model for `<provider>:<model>`. */
  languageModel(ref: string): LanguageModelV3;
  /** The AI SDK embedding model for `<provider>:<model>` (API embeddings). */
  embeddingModel(ref: string): EmbeddingModelV3;
  /** `local`, `openai` or `openai-compatible`. */
  providerType(ref: string): string;
  /** The endpoint a model is served from: part of the response-cache key, so two servers never share entries. */
  endpoint(ref: string): string;
}

export function splitModelRef(ref: string): { provider: string; modelId: string } {
  const i = ref.indexOf(':');
  if (i <= 0) throw new InputError(`model "${ref}" must look like <provider>:<model>`);
  return { provider: ref.slice(0, i), modelId: ref.slice(i + 1) };
}

/**
 * Resolves model references through the AI SDK: `local:*` is the offline surrogate, `openai`
 * providers use @ai-sdk/openai (Responses API), `openai-compatible` ones (vLLM, Ollama,
 * llama.cpp) use @ai-sdk/openai-compatible with usage reporting on. Every model ref used by the
 * run is checked up front (unknown provider, missing key) so no question runs with a bad config.
 */
export function createModelRegistry(opts: {
  providers: Record<string, ProviderConfig>;
  /**
   * Local fine-tune name -> weights folder. Read when a `local:<name>` model is first requested,
   * so it may be filled after the registry is made (bench checks keys first, then trains).
   */
  localFinetunes: Record<string, string>;
  refs: string[];
  env?: NodeJS.ProcessEnv;
}): ModelRegistry {
  const env = opts.env ?? process.env;
  const providers = { ...BUILTIN_PROVIDERS, ...opts.providers };
  const local = createLocalProvider({ finetunes: opts.localFinetunes });
  interface Factory {
    language(id: string): LanguageModelV3;
    embedding(id: string): EmbeddingModelV3;
  }
  const factories = new Map<string, Factory>();

  const factory = (name: string): Factory => {
    const cached = factories.get(name);
    if (cached) return cached;
    const p = providers[name];
    if (!p) throw new InputError(`unknown provider "${name}" (known: local, ${Object.keys(providers).join(', ')})`);
    const apiKey = p.apiKeyEnv ? env[p.apiKeyEnv] : undefined;
    if (p.apiKeyEnv && !apiKey) throw new InputError(`provider "${name}" needs an API key: set the environment variable ${p.apiKeyEnv}`);
    registerSecret(apiKey);
    // Header values can carry credentials too (custom auth headers): never print or store them.
    for (const v of Object.values(p.headers ?? {})) registerSecret(v);
    let f: Factory;
    if (p.type === 'openai') {
      const openai = createOpenAI({ baseURL: p.baseURL, apiKey, headers: p.headers });
      f = { language: (id) => openai(id), embedding: (id) => openai.embedding(id) };
    } else {
      if (!p.baseURL) throw new InputError(`provider "${name}" (openai-compatible) needs a baseURL`);
      const compat = createOpenAICompatible({ name, baseURL: p.baseURL, apiKey, headers: p.headers, includeUsage: true });
      f = { language: (id) => compat.chatModel(id), embedding: (id) => compat.embeddingModel(id) };
    }
    factories.set(name, f);
    return f;
  };

  const registry: ModelRegistry = {
    languageModel(ref) {
      const { provider, modelId } = splitModelRef(ref);
      return provider === 'local' ? local.languageModel(modelId) : factory(provider).language(modelId);
    },
    embeddingModel(ref) {
      const { provider, modelId } = splitModelRef(ref);
      return factory(provider).embedding(modelId);
    },
    providerType(ref) {
      const { provider } = splitModelRef(ref);
      return provider === 'local' ? 'local' : (providers[provider]?.type ?? 'unknown');
    },
    endpoint(ref) {
      const { provider } = splitModelRef(ref);
      return provider === 'local' ? 'local' : (providers[provider]?.baseURL ?? `default:${provider}`);
    },
  };
  for (const ref of opts.refs) registry.languageModel(ref);
  return registry;
}
