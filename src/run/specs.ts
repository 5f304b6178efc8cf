/**
 * What each pipeline of a run answers with: a model pipeline's model (behind the response cache,
 * unless local), price and retrieval; a custom pipeline's answerer (cached by its definition) and
 * price. `modelFor` and `priceOf` also serve the judge, so every model call is cached and priced
 * the same way.
 */
import { resolve } from 'node:path';
import type { Config, CustomPipelineConfig, Price } from '../config/schema.js';
import { wrapWithCache } from '../models/cache.js';
import { listingFingerprint, type ModelListing } from '../models/preflight.js';
import { lookupPrice } from '../models/prices.js';
import { isLocal, type ModelRegistry, splitModelRef } from '../models/registry.js';
import { cacheDefinition, type CustomAsk, customAnswerer } from '../pipelines/custom.js';
import type { PipelineSpec, SelfAnsweringSpec } from '../pipelines/types.js';
import type { buildRetriever } from '../retrieval/setup.js';
import type { ResolvedPipeline } from './bench.js';

export interface SpecInputs {
  config: Config;
  /** `--no-cache`: the response caches are neither read nor written. */
  noCache: boolean;
  registry: ModelRegistry;
  /** Model listings from the preflight, by provider (a model's listing keys its cache entries). */
  listings: ReadonlyMap<string, ModelListing | null>;
  /** The custom pipelines' ask functions, by pipeline name. */
  customAsks: ReadonlyMap<string, CustomAsk>;
  retriever: Awaited<ReturnType<typeof buildRetriever>> | null;
  warn: (message: string) => void;
}

export type RunSpec = (PipelineSpec | SelfAnsweringSpec) & { price: Price | null };

export function pipelineSpecs(pipelines: readonly ResolvedPipeline[], inputs: SpecInputs) {
  const { config, registry, listings, customAsks, retriever, warn } = inputs;
  const useCache = config.responseCache && !inputs.noCache;
  const priceOf = (ref: string) => {
    const { price, source } = lookupPrice(ref, { overrides: config.cost.prices, providerType: registry.providerType(ref) });
    if (source === 'unknown') warn(`${ref}: no known price, cost reported as null (add it under cost.prices)`);
    return price;
  };
  const modelFor = (ref: string) => {
    const model = registry.languageModel(ref);
    // Local models are deterministic and their speed is part of the measurement: never cached.
    if (!useCache || isLocal(ref)) return model;
    return wrapWithCache(model, resolve(config.cacheDir, 'responses'), {
      namespace: registry.endpoint(ref),
      onWriteError: (e) => warn(`response cache write failed: ${(e as Error).message}`),
      onModelChange: (msg) => warn(`${ref}: ${msg}`),
      listing: listingFingerprint(listings.get(splitModelRef(ref).provider), splitModelRef(ref).modelId),
    });
  };
  const customCost = (c: CustomPipelineConfig): Price | null => {
    if (c.price) return c.price;
    if (c.model) return priceOf(c.model);
    warn(`pipeline ${c.name}: no price, cost reported as null (set its price, or model to the model behind it)`);
    return null;
  };
  const custom = (p: ResolvedPipeline, c: CustomPipelineConfig, ask: CustomAsk): RunSpec => {
    const answer = customAnswerer(ask, {
      cacheDir: useCache ? resolve(config.cacheDir, 'pipeline-responses') : undefined,
      definition: cacheDefinition(c),
      onWriteError: (e) => warn(`response cache write failed: ${(e as Error).message}`),
    });
    return { name: p.name, modelRef: p.modelRef, answer, price: customCost(c) };
  };
  // Custom pipelines first, then model pipelines: the order their price warnings have always had.
  const customSpecs = new Map(pipelines.flatMap((p) => {
    const ask = customAsks.get(p.name);
    return p.custom && ask ? [[p.name, custom(p, p.custom, ask)] as const] : [];
  }));
  const specs = pipelines.map((p): RunSpec => {
    const made = customSpecs.get(p.name);
    if (made) return made;
    const price = priceOf(p.modelRef);
    return {
      name: p.name,
      modelRef: p.modelRef,
      model: modelFor(p.modelRef),
      retrieve: p.retrieval ? (question, filter) => (retriever!.snapshots.get(p.indexAsOf ?? '') ?? retriever!.retriever).retrieve(question, filter) : null,
      price,
    };
  });
  return { specs, modelFor, priceOf };
}
