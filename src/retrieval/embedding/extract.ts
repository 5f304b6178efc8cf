/**
 * The transformers.js feature-extraction computation, as plain data in and out, so it runs in an
 * embedding worker thread (worker.ts) or, with RAGVFT_LOCAL_WORKERS=0, inline on the calling
 * thread (backend.ts). Either way the same code computes the vectors, so they do not depend on
 * where it ran.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { gaussian, mulberry32 } from './random.js';
import { modelIdentity } from './model-identity.js';
import { assertFiniteVector } from './validate.js';

/** Which model to load, and how (paths absolute). */
export interface ExtractorSpec {
  /** `<org>/<name>`, resolved as `<localModelPath>/<org>/<name>/` (and on the hub if allowed). */
  modelId: string;
  localModelPath: string;
  cacheDir: string;
  allowRemoteModels: boolean;
  quantized: boolean;
  stampDir?: string;
}

/** One batch to embed with the model opened under `key`. */
export interface EmbedTask {
  key: string;
  /**
   * The model's identity hash (model-identity.ts) as the embedder recorded it; null on open. A
   * thread that loads the model later checks that the files still hash to it, so every thread
   * computes with the weights the run names.
   */
  identity: string | null;
  /** No texts: just open the model and report its dimension. */
  texts: string[];
}

export interface EmbedOutput {
  dim: number;
  /** Unit length, finite; one per text. */
  vectors: Float32Array[];
  /** Texts without a known token, given the fallback vector. */
  fallbacks: number;
}

interface PooledTensor {
  data: ArrayLike<number>;
  dims: number[];
}
type Extractor = (texts: string[], opts: { pooling: 'mean'; normalize: boolean }) => Promise<PooledTensor>;

interface Loaded {
  extract: Extractor;
  dim: number;
  fallback: Float32Array;
}

/**
 * transformers.js reads its settings from a global `env`; loads are serialized so two models
 * with different folders cannot interleave between setting env and loading files.
 */
let loading: Promise<unknown> = Promise.resolve();
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const run = loading.then(fn, fn);
  loading = run.catch(() => undefined);
  return run;
}

async function load(spec: ExtractorSpec): Promise<Loaded> {
  const extract = await serialized(async () => {
    const { env, pipeline } = await import('@xenova/transformers');
    env.allowRemoteModels = spec.allowRemoteModels;
    env.allowLocalModels = true;
    env.localModelPath = spec.localModelPath;
    env.cacheDir = spec.cacheDir;
    try {
      return (await pipeline('feature-extraction', spec.modelId, {
        quantized: spec.quantized,
        cache_dir: spec.cacheDir,
        local_files_only: !spec.allowRemoteModels,
      })) as unknown as Extractor;
    } catch (err) {
      const where = `${join(spec.localModelPath, spec.modelId)}${spec.allowRemoteModels ? ' or the Hugging Face hub' : ''}`;
      throw new Error(`Cannot load embedding model "${spec.modelId}" from ${where}: ${(err as Error).message}`, { cause: err });
    }
  });
  const probe = await extract(['dimension probe'], { pooling: 'mean', normalize: true });
  const dim = probe.dims[probe.dims.length - 1];
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`Embedding model "${spec.modelId}" returned an output of shape [${probe.dims}]`);
  return { extract, dim, fallback: fallbackVector(spec.modelId, dim) };
}

/** Models a thread has loaded beyond which the least recently used is dropped (reloaded on demand). */
const MAX_LOADED = 2;

/**
 * The models a thread can embed with, by key: specs arrive with `put` (cheap, kept), models are
 * loaded on first use and verified against the identity the task names.
 */
export class ExtractorStore {
  private readonly specs = new Map<string, ExtractorSpec>();
  /** Loaded models, most recently used last. */
  private readonly loaded = new Map<string, Promise<Loaded>>();

  put(key: string, spec: ExtractorSpec): void {
    this.specs.set(key, spec);
  }

  async run(task: EmbedTask): Promise<EmbedOutput> {
    const model = await this.model(task);
    return { dim: model.dim, ...(await embedBatch(model, task.texts, this.specs.get(task.key)!.modelId)) };
  }

  private model(task: EmbedTask): Promise<Loaded> {
    const spec = this.specs.get(task.key);
    if (!spec) throw new Error(`embedding model ${task.key} was not sent to this thread`);
    let m = this.loaded.get(task.key);
    if (m) this.loaded.delete(task.key);
    else {
      m = load(spec).then(async (loaded) => {
        if (task.identity !== null) await assertSameWeights(spec, task.identity);
        return loaded;
      });
    }
    this.loaded.set(task.key, m); // a failed load fails its tasks, and is retried after eviction
    m.catch(() => this.loaded.get(task.key) === m && this.loaded.delete(task.key));
    for (const key of this.loaded.keys()) if (this.loaded.size > MAX_LOADED) this.loaded.delete(key);
    return m;
  }
}

async function assertSameWeights(spec: ExtractorSpec, identity: string): Promise<void> {
  const now = (await modelIdentity(spec)).hash;
  if (now !== identity) {
    throw new Error(`embedding model "${spec.modelId}" changed on disk since it was opened (weights ${identity.slice(0, 12)} -> ${now.slice(0, 12)}): run again`);
  }
}

async function embedBatch(model: Loaded, texts: string[], modelId: string): Promise<Omit<EmbedOutput, 'dim'>> {
  const { dim } = model;
  if (texts.length === 0) return { vectors: [], fallbacks: 0 };
  const pooled = await model.extract(texts, { pooling: 'mean', normalize: true });
  if (pooled.dims[0] !== texts.length || pooled.dims[1] !== dim) {
    throw new Error(`Embedding model "${modelId}" returned shape [${pooled.dims}] for ${texts.length} texts, expected [${texts.length},${dim}]`);
  }
  let fallbacks = 0;
  const vectors = texts.map((_, i) => {
    const row = Float32Array.from({ length: dim }, (_, c) => pooled.data[i * dim + c]);
    const v = unitOrNull(row) ?? (fallbacks++, model.fallback.slice());
    assertFiniteVector(v, dim, `embedding of text ${i} by ${modelId}`);
    return v;
  });
  return { vectors, fallbacks };
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
function fallbackVector(modelId: string, dim: number): Float32Array {
  const seed = createHash('sha256').update(`ragvft-fallback\u0000${modelId}`).digest().readUInt32LE(0);
  const normal = gaussian(mulberry32(seed));
  const v = Float64Array.from({ length: dim }, () => normal());
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return Float32Array.from(v, (x) => x / norm);
}
