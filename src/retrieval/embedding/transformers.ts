/**
 * Embeddings through the transformers.js feature-extraction pipeline: our own corpus-trained
 * model (local-model.ts) and hub models such as Xenova/all-MiniLM-L6-v2 load the same way.
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Embedder } from './types.js';
import { assertFiniteVector } from './validate.js';
import { gaussian, mulberry32 } from './random.js';
import { modelIdentity, versionedModelId } from './model-identity.js';
import { assertModelPresent } from './model-folder.js';

export interface TransformersEmbedderOptions {
  /** `<org>/<name>`, resolved as `<localModelPath>/<org>/<name>/` (and on the hub if allowed). */
  modelId: string;
  localModelPath: string;
  allowRemoteModels: boolean;
  /** Load onnx/model_quantized.onnx instead of onnx/model.onnx. */
  quantized: boolean;
  batchSize: number;
  /**
   * transformers.js file cache. Default `<localModelPath>/.transformers-cache`: never the global
   * default, because the cache is consulted before localModelPath and a stale global copy of a
   * model id would shadow the local folder.
   */
  cacheDir?: string;
  /** Folder of file-hash stamps, so unchanged model files are not re-hashed on every run. */
  stampDir?: string;
}

export interface TransformersEmbedder extends Embedder {
  /** `<modelId>@<hash12>`: names the weights, not just the model (see model-identity.ts). */
  readonly id: string;
  /** The configured model id, without the hash. */
  readonly modelId: string;
  /** Full sha256 identity of the files loaded (config, tokenizer, tokenizer config, ONNX graph) and `quantized`. */
  readonly modelHash: string;
  /** How many texts so far had no known token and got the fallback vector (see below). */
  fallbackCount(): number;
}

interface PooledTensor {
  data: ArrayLike<number>;
  dims: number[];
}
type Extractor = (texts: string[], opts: { pooling: 'mean'; normalize: boolean }) => Promise<PooledTensor>;

/**
 * transformers.js reads its settings from a global `env`; creations are serialized so two
 * embedders with different folders cannot interleave between setting env and loading files.
 */
let loading: Promise<unknown> = Promise.resolve();
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const run = loading.then(fn, fn);
  loading = run.catch(() => undefined);
  return run;
}

export async function createTransformersEmbedder(opts: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${opts.batchSize}`);
  const localModelPath = resolve(opts.localModelPath);
  const cacheDir = resolve(opts.cacheDir ?? join(localModelPath, '.transformers-cache'));
  if (!opts.allowRemoteModels) assertModelPresent(opts.modelId, localModelPath, cacheDir, opts.quantized);

  const extractor = await serialized(async () => {
    const { env, pipeline } = await import('@xenova/transformers');
    env.allowRemoteModels = opts.allowRemoteModels;
    env.allowLocalModels = true;
    env.localModelPath = localModelPath;
    env.cacheDir = cacheDir;
    try {
      return (await pipeline('feature-extraction', opts.modelId, {
        quantized: opts.quantized,
        cache_dir: cacheDir,
        local_files_only: !opts.allowRemoteModels,
      })) as unknown as Extractor;
    } catch (err) {
      const where = `${join(localModelPath, opts.modelId)}${opts.allowRemoteModels ? ' or the Hugging Face hub' : ''}`;
      throw new Error(`Cannot load embedding model "${opts.modelId}" from ${where}: ${(err as Error).message}`, { cause: err });
    }
  });

  // Hashed after loading: with remote models allowed, the files exist only now (in cacheDir).
  const identity = await modelIdentity({ modelId: opts.modelId, localModelPath, cacheDir, quantized: opts.quantized, stampDir: opts.stampDir });
  const id = versionedModelId(opts.modelId, identity.hash);

  const probe = await extractor(['dimension probe'], { pooling: 'mean', normalize: true });
  const dim = probe.dims[probe.dims.length - 1];
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`Embedding model "${opts.modelId}" returned an output of shape [${probe.dims}]`);
  const fallback = fallbackVector(opts.modelId, dim);
  let fallbacks = 0;

  async function embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += opts.batchSize) {
      const batch = texts.slice(start, start + opts.batchSize);
      const pooled = await extractor(batch, { pooling: 'mean', normalize: true });
      if (pooled.dims[0] !== batch.length || pooled.dims[1] !== dim) {
        throw new Error(`Embedding model "${opts.modelId}" returned shape [${pooled.dims}] for ${batch.length} texts, expected [${batch.length},${dim}]`);
      }
      for (let i = 0; i < batch.length; i++) {
        const row = Float32Array.from({ length: dim }, (_, c) => pooled.data[i * dim + c]);
        const v = unitOrNull(row) ?? (fallbacks++, fallback.slice());
        assertFiniteVector(v, dim, `embedding of text ${start + i} by ${opts.modelId}`);
        out.push(v);
      }
    }
    return out;
  }

  return { id, modelId: opts.modelId, modelHash: identity.hash, dim, embed, fallbackCount: () => fallbacks };
}

/**
 * The pipeline's output row made unit length again in float64, or null when it has no direction:
 * a text with no known token (the empty string, only out-of-vocabulary words) pools nothing but
 * zero rows, and the pipeline's normalize turns 0/0 into NaN.
 */
function unitOrNull(row: Float32Array): Float32Array | null {
  let norm = 0;
  for (let i = 0; i < row.length; i++) norm += row[i] * row[i];
  norm = Math.sqrt(norm);
  if (!Number.isFinite(norm) || norm < 1e-6) return null;
  for (let i = 0; i < row.length; i++) row[i] /= norm;
  return row;
}

/**
 * What a text without a direction gets: one fixed pseudo-random unit vector per model. Not a zero
 * vector, because cosine with a zero vector is NaN (hnswlib's cosine space divides by the norm)
 * and callers rely on unit length; a random direction in many dimensions is nearly orthogonal to
 * every real embedding, so such a text matches nothing in particular, as it should. All such
 * texts get the same vector, so they are near-duplicates of each other.
 */
export function fallbackVector(modelId: string, dim: number): Float32Array {
  const seed = createHash('sha256').update(`ragvft-fallback\u0000${modelId}`).digest().readUInt32LE(0);
  const normal = gaussian(mulberry32(seed));
  const v = Float64Array.from({ length: dim }, () => normal());
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return Float32Array.from(v, (x) => x / norm);
}
