import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModelV4, LanguageModelV4 } from '@ai-sdk/provider';
import type { ProviderConfig } from '../config/schema.js';
import { InputError } from '../util/errors.js';
import { registerSecret } from '../util/redact.js';
import { createLocalProvider } from './local/provider.js';

/** The reserved provider name of the offline surrogate: `local:reader`, `local:<fine-tune>`. */
export const LOCAL_PROVIDER = 'local';

/** Providers every config has unless it redefines them. */
export const BUILTIN_PROVIDERS: Record<string, ProviderConfig> = {
  openai: { type: 'openai', apiKeyEnv: 'OPENAI_API_KEY' },
};

/** Config of the built-in `local` provider (not user-configurable: its fine-tunes come from `finetune`). */
export interface LocalProviderConfig {
  type: 'local';
  /** Local fine-tune name -> weights folder; read on first use, so it may be filled later. */
  finetunes?: Record<string, string>;
}

/** What `providers.<name>` may hold, plus the built-in local one. */
export type AnyProviderConfig = ProviderConfig | LocalProviderConfig;
export type ProviderType = AnyProviderConfig['type'];

/** A configured provider: its models and the endpoint they are served from. */
export interface ProviderInstance {
  language(id: string): LanguageModelV4;
  /** Absent when the provider has no embedding models (`local`). */
  embedding?(id: string): EmbeddingModelV4;
  /** Part of the response-cache key, so two servers never share entries. */
  endpoint: string;
}

export interface ProviderFactory<C extends AnyProviderConfig = AnyProviderConfig> {
  type: C['type'];
  /** Runs in-process: deterministic, free, never response-cached, timed as CPU. */
  local: boolean;
  /** Checks the config (key, baseURL) and makes the provider; throws InputError when it cannot. */
  create(name: string, config: C, env: NodeJS.ProcessEnv): ProviderInstance;
}

/** Reads the API key (if any) and marks key and header values as secrets (never printed or stored). */
export function credentials(name: string, p: ProviderConfig, env: NodeJS.ProcessEnv): string | undefined {
  const apiKey = p.apiKeyEnv ? env[p.apiKeyEnv] : undefined;
  if (p.apiKeyEnv && !apiKey) throw new InputError(`provider "${name}" needs an API key: set the environment variable ${p.apiKeyEnv}`);
  registerSecret(apiKey);
  // Header values can carry credentials too (custom auth headers).
  for (const v of Object.values(p.headers ?? {})) registerSecret(v);
  return apiKey;
}

const localFactory: ProviderFactory<LocalProviderConfig> = {
  type: 'local',
  local: true,
  create(_name, config) {
    const local = createLocalProvider({ finetunes: config.finetunes });
    return { language: (id) => local.languageModel(id), endpoint: LOCAL_PROVIDER };
  },
};

/** @ai-sdk/openai (Responses API). */
const openaiFactory: ProviderFactory<ProviderConfig> = {
  type: 'openai',
  local: false,
  create(name, p, env) {
    const apiKey = credentials(name, p, env);
    const openai = createOpenAI({ baseURL: p.baseURL, apiKey, headers: p.headers });
    return { language: (id) => openai(id), embedding: (id) => openai.embedding(id), endpoint: p.baseURL ?? `default:${name}` };
  },
};

/** vLLM, Ollama, llama.cpp…: @ai-sdk/openai-compatible with usage reporting on. */
const openaiCompatibleFactory: ProviderFactory<ProviderConfig> = {
  type: 'openai-compatible',
  local: false,
  create(name, p, env) {
    const apiKey = credentials(name, p, env);
    if (!p.baseURL) throw new InputError(`provider "${name}" (openai-compatible) needs a baseURL`);
    const compat = createOpenAICompatible({ name, baseURL: p.baseURL, apiKey, headers: p.headers, includeUsage: true });
    return { language: (id) => compat.chatModel(id), embedding: (id) => compat.embeddingModel(id), endpoint: p.baseURL };
  },
};

/** Provider factories by provider `type`. */
export const PROVIDER_FACTORIES: Readonly<Record<ProviderType, ProviderFactory>> = {
  local: localFactory,
  openai: openaiFactory,
  'openai-compatible': openaiCompatibleFactory,
};

function factoryOf(type: string): ProviderFactory | undefined {
  return Object.hasOwn(PROVIDER_FACTORIES, type) ? PROVIDER_FACTORIES[type as ProviderType] : undefined;
}

/** Provider names with a fixed meaning in every config; a `providers` entry cannot replace them. */
const RESERVED_PROVIDERS: Record<string, LocalProviderConfig> = { [LOCAL_PROVIDER]: { type: 'local' } };

/**
 * Whether `ref` (`<provider>:<model>`) names a model that runs in-process (the `local` provider).
 * Never throws: anything that is not such a reference (e.g. `Xenova/all-MiniLM-L6-v2`) is false.
 */
export function isLocal(ref: string): boolean {
  const i = ref.indexOf(':');
  if (i <= 0) return false;
  const reserved = RESERVED_PROVIDERS[ref.slice(0, i)];
  return reserved !== undefined && factoryOf(reserved.type)?.local === true;
}

/** The provider type of an AI SDK model instance given in the config. */
export const INSTANCE_TYPE = 'instance';

export interface ModelRegistry {
  /** The AI SDK model for `<provider>:<model>`. */
  languageModel(ref: string): LanguageModelV4;
  /** The AI SDK embedding model for `<provider>:<model>` (API embeddings). */
  embeddingModel(ref: string): EmbeddingModelV4;
  /** `local`, `openai`, `openai-compatible`, or `instance` for a model instance of the config. */
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
 * Resolves model references through the AI SDK, by the provider's `type` in PROVIDER_FACTORIES:
 * `local:*` is the offline surrogate, `openai` providers use @ai-sdk/openai, `openai-compatible`
 * ones @ai-sdk/openai-compatible. Every model ref used by the run is checked up front (unknown
 * provider, missing key, missing baseURL) so no question runs with a bad config.
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
  /** AI SDK model instances of a TS config, by their id `${provider}:${modelId}` (models/instances.ts). */
  instances?: ReadonlyMap<string, LanguageModelV4>;
}): ModelRegistry {
  const env = opts.env ?? process.env;
  const configured: Record<string, ProviderConfig> = { ...BUILTIN_PROVIDERS, ...opts.providers };
  const providers: Record<string, AnyProviderConfig> = { ...configured, [LOCAL_PROVIDER]: { type: 'local', finetunes: opts.localFinetunes } };
  const known = [LOCAL_PROVIDER, ...Object.keys(configured).filter((n) => n !== LOCAL_PROVIDER)];
  const instances = new Map<string, ProviderInstance>();

  const instance = (name: string): ProviderInstance => {
    const cached = instances.get(name);
    if (cached) return cached;
    const p = providers[name];
    if (!p) throw new InputError(`unknown provider "${name}" (known: ${known.join(', ')})`);
    const factory = factoryOf(p.type);
    if (!factory) throw new InputError(`provider "${name}" has unknown type "${p.type}" (known: ${Object.keys(PROVIDER_FACTORIES).join(', ')})`);
    const made = factory.create(name, p, env);
    instances.set(name, made);
    return made;
  };

  const instanceModels = opts.instances ?? new Map<string, LanguageModelV4>();
  const registry: ModelRegistry = {
    languageModel(ref) {
      const given = instanceModels.get(ref);
      if (given) return given;
      const { provider, modelId } = splitModelRef(ref);
      return instance(provider).language(modelId);
    },
    embeddingModel(ref) {
      const { provider, modelId } = splitModelRef(ref);
      const p = instance(provider);
      if (!p.embedding) throw new InputError(`provider "${provider}" has no embedding models (model "${ref}")`);
      return p.embedding(modelId);
    },
    providerType(ref) {
      if (instanceModels.has(ref)) return INSTANCE_TYPE;
      const { provider } = splitModelRef(ref);
      return providers[provider]?.type ?? 'unknown';
    },
    endpoint(ref) {
      // The instance's URL is inside its provider package: its id is all there is to key by.
      if (instanceModels.has(ref)) return `${INSTANCE_TYPE}:${ref}`;
      const { provider } = splitModelRef(ref);
      return providers[provider] ? instance(provider).endpoint : `default:${provider}`;
    },
  };
  for (const ref of opts.refs) registry.languageModel(ref);
  return registry;
}
