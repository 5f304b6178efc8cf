/**
 * Embeddings through the transformers.js feature-extraction pipeline: our own corpus-trained
 * model (local-model.ts) and hub models such as Xenova/all-MiniLM-L6-v2 load the same way. The
 * model runs off the calling thread's event loop, in the embedding workers (backend.ts), unless
 * RAGVFT_LOCAL_WORKERS=0; the computation itself is extract.ts.
 */
import { join, resolve } from 'node:path';
import { type EmbeddingBackend, sharedEmbeddingBackend } from './backend.js';
import type { ExtractorSpec } from './extract.js';
import { modelIdentity, versionedModelId } from './model-identity.js';
import { assertModelPresent } from './model-folder.js';
import type { Embedder } from './types.js';

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
  /** Where the model computes; default the process-wide embedding workers (sharedEmbeddingBackend). */
  backend?: EmbeddingBackend;
}

export interface TransformersEmbedder extends Embedder {
  /** `<modelId>@<hash12>`: names the weights, not just the model (see model-identity.ts). */
  readonly id: string;
  /** The configured model id, without the hash. */
  readonly modelId: string;
  /** Full sha256 identity of the files loaded (config, tokenizer, tokenizer config, ONNX graph) and `quantized`. */
  readonly modelHash: string;
  /** How many texts so far had no known token and got the fallback vector (extract.ts). */
  fallbackCount(): number;
}

/** Models opened in this process: each open loads the files afresh, under a key of its own. */
let opens = 0;

export async function createTransformersEmbedder(opts: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${opts.batchSize}`);
  const localModelPath = resolve(opts.localModelPath);
  const cacheDir = resolve(opts.cacheDir ?? join(localModelPath, '.transformers-cache'));
  if (!opts.allowRemoteModels) assertModelPresent(opts.modelId, localModelPath, cacheDir, opts.quantized);
  const spec: ExtractorSpec = { modelId: opts.modelId, localModelPath, cacheDir, allowRemoteModels: opts.allowRemoteModels, quantized: opts.quantized, stampDir: opts.stampDir };
  // Looked up per call: after closeLocalWorkers(), the next shared pool serves this embedder.
  const backend = () => opts.backend ?? sharedEmbeddingBackend();
  const key = `${opts.modelId}#${++opens}`;

  const { dim } = await backend().embed({ key, identity: null, texts: [] }, spec);
  // Hashed after loading: with remote models allowed, the files exist only now (in cacheDir).
  const identity = await modelIdentity(spec);
  const id = versionedModelId(opts.modelId, identity.hash);
  let fallbacks = 0;

  async function embed(texts: string[]): Promise<Float32Array[]> {
    const batches: string[][] = [];
    for (let start = 0; start < texts.length; start += opts.batchSize) batches.push(texts.slice(start, start + opts.batchSize));
    // Batches go out together: with several workers, a large embedding (an index build) splits.
    const outs = await Promise.all(batches.map((batch) => backend().embed({ key, identity: identity.hash, texts: batch }, spec)));
    return outs.flatMap((out, b) => {
      if (out.vectors.length !== batches[b]!.length) throw new Error(`Embedding model "${opts.modelId}" returned ${out.vectors.length} vectors for ${batches[b]!.length} texts`);
      fallbacks += out.fallbacks;
      return out.vectors;
    });
  }

  return { id, modelId: opts.modelId, modelHash: identity.hash, dim, embed, fallbackCount: () => fallbacks };
}
