/**
 * Where a transformers.js embedding model is read from, and the check that it is there. The bench
 * runs the check before any training or indexing, so a missing folder costs seconds, not a
 * fine-tune; createTransformersEmbedder runs it again for direct users.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import { InputError } from '../../util/errors.js';

const weightsFile = (quantized: boolean) => (quantized ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx');

/** `localModelPath` (default `<cacheDir>/models`) and the transformers.js file cache of a config. */
export function embeddingPaths(config: Pick<Config, 'cacheDir' | 'embedding'>): { localModelPath: string; cacheDir: string } {
  return { localModelPath: resolve(config.embedding.localModelPath ?? join(config.cacheDir, 'models')), cacheDir: resolve(config.cacheDir, 'transformers-cache') };
}

/** Throws (exit 2) when the model's folder or its ONNX weights are missing and downloads are off; hints at `quantized` when only the other variant exists. */
export function assertModelPresent(modelId: string, localModelPath: string, cacheDir: string, quantized: boolean): void {
  const weights = weightsFile(quantized);
  const candidates = [join(localModelPath, modelId), join(cacheDir, modelId)];
  if (candidates.some((dir) => existsSync(join(dir, weights)))) return;
  const dir = candidates[0]!;
  const other = weightsFile(!quantized);
  if (candidates.some((d) => existsSync(join(d, other)))) {
    throw new InputError(`embedding model "${modelId}": ${dir} has ${other} but not ${weights}; set embedding.quantized: ${!quantized} in the config`, { field: 'embedding.quantized' });
  }
  const what = existsSync(dir) ? `the folder ${dir} has no ${weights}` : `there is no folder ${dir}`;
  throw new InputError(
    `embedding model "${modelId}" not found: ${what} and remote models are off (embedding.allowRemoteModels); ` +
      `put a transformers.js folder there (config.json, tokenizer.json, tokenizer_config.json, ${weights}) or set embedding.localModelPath`,
    { field: 'embedding.model' },
  );
}

/**
 * The config's embedding model, checked before any work: a transformers.js id must be on disk
 * (unless downloads are allowed). API models are checked by the preflight; `local:` models are
 * built by ragvft itself.
 */
export function checkEmbeddingModel(config: Pick<Config, 'cacheDir' | 'embedding'>): void {
  const e = config.embedding;
  if (e.allowRemoteModels || e.model.includes(':')) return;
  const { localModelPath, cacheDir } = embeddingPaths(config);
  assertModelPresent(e.model, localModelPath, cacheDir, e.quantized);
}
