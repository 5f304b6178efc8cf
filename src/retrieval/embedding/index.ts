/** Embeddings: the corpus-trained offline model, the transformers.js loader, a disk cache. */
export type { Embedder } from './types.js';
export { assertFiniteVector } from './validate.js';
export { createTransformersEmbedder, type TransformersEmbedder, type TransformersEmbedderOptions } from './transformers.js';
export { ensureLocalEmbeddingModel, type LocalModelOptions, type LocalModelResult, type LocalModelManifest } from './local-model.js';
export { createCachedEmbedder, type CachedEmbedder } from './cache.js';
