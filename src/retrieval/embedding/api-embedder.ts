/**
 * Embeddings from an API (OpenAI, or an OpenAI-compatible server such as vLLM or Ollama)
 * through the AI SDK's `embedMany`, as an alternative to the local transformers.js embedder.
 *
 * The SDK brings retries with backoff (Retry-After honoured); this module adds what the index
 * needs: vectors checked finite and of one dimension (hnswlib aborts the process on bad input),
 * L2-normalized so cosine and inner product agree, and the tokens billed counted for the cost
 * report.
 */
import type { SharedV4ProviderOptions } from '@ai-sdk/provider';
import { embedMany, type EmbeddingModel } from 'ai';
import type { Embedder } from './types.js';
import { assertFiniteVector } from './validate.js';

export interface ApiEmbedderOptions {
  /**
   * An embedding model object, e.g. `createOpenAI({...}).embedding('text-embedding-3-small')`.
   * Not a string: a bare string would resolve through the AI SDK's global (gateway) provider.
   */
  model: Exclude<EmbeddingModel, string>;
  /** Names the model in index manifests and the embedding cache, e.g. `openai:text-embedding-3-small`. */
  id: string;
  /** Texts per request. */
  batchSize: number;
  /** Retries per request (AI SDK default 2). */
  maxRetries?: number;
  /** Passed to the provider, e.g. `{ openai: { dimensions: 256 } }`. */
  providerOptions?: SharedV4ProviderOptions;
  abortSignal?: AbortSignal;
}

export interface ApiEmbedder extends Embedder {
  /** Tokens the API reported as billed (including the dimension probe), and requests made. */
  usage(): { tokens: number; calls: number };
}

/**
 * Creates the embedder. The dimension of an API model is only known from its output, so one
 * tiny probe request is made here (its tokens are counted like any other).
 */
export async function createApiEmbedder(opts: ApiEmbedderOptions): Promise<ApiEmbedder> {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${opts.batchSize}`);
  let tokens = 0;
  let calls = 0;

  async function call(values: string[]): Promise<number[][]> {
    const result = await embedMany({
      model: opts.model,
      values,
      maxRetries: opts.maxRetries,
      // One request at a time: a bulk index build should not trip the provider's rate limit.
      maxParallelCalls: 1,
      providerOptions: opts.providerOptions,
      abortSignal: opts.abortSignal,
    });
    calls++;
    // Providers that do not report usage give NaN/undefined: count nothing rather than poison the sum.
    const t = result.usage?.tokens;
    if (typeof t === 'number' && Number.isFinite(t)) tokens += t;
    if (result.embeddings.length !== values.length) throw new Error(`embedding model ${opts.id} returned ${result.embeddings.length} vectors for ${values.length} texts`);
    return result.embeddings;
  }

  const [probe] = await call(['dimension probe']);
  const dim = probe?.length ?? 0;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`embedding model ${opts.id} returned an empty vector`);

  async function embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += opts.batchSize) {
      const batch = texts.slice(i, i + opts.batchSize);
      const vectors = await call(batch);
      vectors.forEach((v, j) => out.push(normalize(v, dim, `embedding ${i + j} from ${opts.id}`)));
    }
    return out;
  }

  return { id: opts.id, dim, embed, usage: () => ({ tokens, calls }) };
}

/** Checks a vector (finite, right length, not all zeros) and scales it to unit length. */
export function normalize(v: ArrayLike<number>, dim: number, what: string): Float32Array {
  assertFiniteVector(v, dim, what);
  let sq = 0;
  for (let i = 0; i < dim; i++) sq += v[i] * v[i];
  const norm = Math.sqrt(sq);
  // A zero vector has no direction: its cosine with anything is NaN, which would poison the index.
  if (!(norm > 0) || !Number.isFinite(norm)) throw new Error(`${what}: zero or unbounded vector cannot be normalized`);
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = v[i] / norm;
  return out;
}
