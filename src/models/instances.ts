/**
 * AI SDK model instances in a TS/JS config (`anthropic('claude-…')`, `ollama('llama3.2')`, …),
 * beside `<provider>:<model>` strings. An instance stands for itself everywhere a string ref
 * would go (results, cache keys, prices, the journal's config hash) by its id
 * `${provider}:${modelId}`, e.g. `anthropic.messages:claude-sonnet-4-5`. The object itself, whose
 * settings may hold an API key, is never hashed, stored or printed: only that id.
 */
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { wrapLanguageModel } from 'ai';
import { InputError } from '../util/errors.js';
import { registerSecret } from '../util/redact.js';
import { type AnyLanguageModel, isLanguageModelInstance } from './instance-shape.js';
import { LOCAL_PROVIDER } from './registry.js';

export { type AnyLanguageModel, isLanguageModelInstance };

/** The id an instance has in results, cache keys and the price table. */
export const instanceRef = (m: AnyLanguageModel): string => `${m.provider}:${m.modelId}`;

/** A config entry that names a model: a `<provider>:<model>` string or an instance. */
export const modelRefOf = (entry: string | AnyLanguageModel): string => (typeof entry === 'string' ? entry : instanceRef(entry));

/**
 * Environment variables whose values are credentials by their name (ANTHROPIC_API_KEY,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, …): provider packages read their keys from such
 * variables, out of ragvft's sight, so their values are redacted from everything written.
 */
const SECRET_ENV = /(API_KEY|SECRET|TOKEN|PASSWORD)/i;
/** Shorter values are flags, not keys, and would blank out ordinary words. */
const MIN_SECRET_LENGTH = 8;

export function registerEnvSecrets(env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) if (SECRET_ENV.test(name) && value && value.length >= MIN_SECRET_LENGTH) registerSecret(value);
}

interface WithModelEntries {
  models: Record<string, string | AnyLanguageModel>;
  pipelines: ({ name: string; model?: unknown } & Record<string, unknown>)[];
  judge?: { model: string | AnyLanguageModel } & Record<string, unknown>;
}

/**
 * Splits a config into the instances it holds (by id, as AI SDK v4 models: v2/v3 ones are
 * converted by the SDK) and a copy with each instance replaced by its id, which is what the run
 * hashes, stores and resolves. Two different objects with one id would share cache entries and
 * result rows, so that is refused.
 */
export function separateModelInstances<C extends WithModelEntries>(config: C): { config: C; instances: Map<string, LanguageModelV4> } {
  const instances = new Map<string, LanguageModelV4>();
  const originals = new Map<string, { object: AnyLanguageModel; field: string }>();
  const strings = new Set([...Object.values(config.models), ...config.pipelines.map((p) => p.model), config.judge?.model].filter((v): v is string => typeof v === 'string'));
  const take = (m: AnyLanguageModel, field: string): string => {
    const ref = instanceRef(m);
    if (!m.provider || m.provider.includes(':') || !m.modelId) throw new InputError(`the model instance has provider "${m.provider}" and model id "${m.modelId}": both must be non-empty, and the provider without ":"`, { field });
    if (m.provider === LOCAL_PROVIDER) throw new InputError(`a model instance cannot use the provider name "${LOCAL_PROVIDER}" (reserved for ragvft's offline models)`, { field });
    const seen = originals.get(ref);
    if (seen && seen.object !== m) {
      throw new InputError(`${seen.field} and ${field} are two model instances with the same id ${ref}; give one another id with wrapLanguageModel({ model, middleware: [], modelId })`, { field });
    }
    if (strings.has(ref)) throw new InputError(`the model instance ${ref} has the same id as a model reference string of the config; give it another id with wrapLanguageModel({ model, middleware: [], modelId })`, { field });
    if (!seen) {
      originals.set(ref, { object: m, field });
      instances.set(ref, wrapLanguageModel({ model: m, middleware: [] }));
    }
    return ref;
  };
  const models = Object.fromEntries(Object.entries(config.models).map(([k, v]) => [k, typeof v === 'string' ? v : take(v, `models.${k}`)]));
  const pipelines = config.pipelines.map((p, i) => (isLanguageModelInstance(p.model) ? { ...p, model: take(p.model, `pipelines.${i}.model`) } : p));
  const judge = config.judge && typeof config.judge.model !== 'string' ? { ...config.judge, model: take(config.judge.model, 'judge.model') } : config.judge;
  return { config: { ...config, models, pipelines, ...(judge ? { judge } : {}) }, instances };
}
