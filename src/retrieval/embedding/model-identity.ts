/**
 * The identity of a transformers.js embedding model: a sha256 over the files that determine its
 * vectors, not its name. Replacing a model folder (which the README tells users to do) or
 * switching `quantized` changes it, so every cache keyed by it (embedding cache, HNSW index) is
 * rebuilt instead of serving vectors of other weights.
 */
import { resolve } from 'node:path';
import { hashFiles, sha256, stableStringify, stampFileFor } from '../../util/hash.js';

/** Files besides the ONNX graph that shape the vectors: tokenization and model config. */
export const MODEL_CONFIG_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** The graph transformers.js loads (models.js: `onnx/model${quantized ? '_quantized' : ''}.onnx`). */
export const onnxFileOf = (quantized: boolean) => (quantized ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx');

/** Bump when the identity's material changes. */
const IDENTITY_VERSION = 1;

export interface ModelIdentityOptions {
  modelId: string;
  localModelPath: string;
  /** transformers.js file cache: consulted before localModelPath, file by file. */
  cacheDir: string;
  quantized: boolean;
  /** Folder of hash stamps (fast path: size + mtime + ctime + inode); without it every file is hashed. */
  stampDir?: string;
}

export interface ModelIdentity {
  /** sha256 over the files' hashes, the ONNX file name and `quantized`. */
  hash: string;
  /** Relative file -> the absolute path transformers.js reads it from and its sha256 (null: absent). */
  files: Record<string, { path: string; sha256: string | null }>;
}

/** Where transformers.js reads `file` of `modelId` from: its cache first, then the local folder. */
async function resolveFile(o: ModelIdentityOptions, file: string, present: (p: string) => Promise<boolean>): Promise<string> {
  const cached = resolve(o.cacheDir, o.modelId, file);
  return (await present(cached)) ? cached : resolve(o.localModelPath, o.modelId, file);
}

export async function modelIdentity(o: ModelIdentityOptions): Promise<ModelIdentity> {
  const onnx = onnxFileOf(o.quantized);
  const rels = [...MODEL_CONFIG_FILES, onnx];
  const candidates = rels.flatMap((r) => [resolve(o.cacheDir, o.modelId, r), resolve(o.localModelPath, o.modelId, r)]);
  const stampFile = o.stampDir ? stampFileFor(o.stampDir, resolve(o.localModelPath, o.modelId)) : undefined;
  const hashes = await hashFiles(candidates, stampFile);
  const files: ModelIdentity['files'] = {};
  for (const rel of rels) {
    const path = await resolveFile(o, rel, async (p) => hashes.get(p) != null);
    files[rel] = { path, sha256: hashes.get(path)?.sha256 ?? null };
  }
  const material = { v: IDENTITY_VERSION, quantized: o.quantized, onnx, files: Object.fromEntries(rels.map((r) => [r, files[r].sha256])) };
  return { hash: sha256(stableStringify(material)), files };
}

/** `<modelId>@<hash12>`: the id embedders report, so caches and results name the weights. */
export const versionedModelId = (modelId: string, hash: string) => `${modelId}@${hash.slice(0, 12)}`;
