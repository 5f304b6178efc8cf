import type { LanguageModelV2, LanguageModelV3, LanguageModelV4 } from '@ai-sdk/provider';

/** Apart from instances.ts so that the config schema can check shapes without loading the AI SDK. */
export type AnyLanguageModel = LanguageModelV2 | LanguageModelV3 | LanguageModelV4;

const SPEC_VERSIONS: ReadonlySet<unknown> = new Set(['v2', 'v3', 'v4']);

/** The shape every AI SDK language model has, whichever provider package made it. */
export function isLanguageModelInstance(v: unknown): v is AnyLanguageModel {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  return SPEC_VERSIONS.has(m.specificationVersion) && typeof m.provider === 'string' && typeof m.modelId === 'string' && typeof m.doGenerate === 'function' && typeof m.doStream === 'function';
}

