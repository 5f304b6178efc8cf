/**
 * The offline default embedding model: trained on the corpus by trainStaticEmbeddings() and
 * exported as a transformers.js model folder, so it is loaded by the very code path that loads
 * Xenova/all-MiniLM-L6-v2 (see transformers.ts).
 *
 * Layout: <localModelPath>/ragvft/ppmi-svd-<hash12>/ with config.json, tokenizer.json,
 * tokenizer_config.json, onnx/model.onnx, onnx/model_quantized.onnx (the same graph: nothing to
 * quantize in a lookup table) and ragvft-model.json (our manifest).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { hashFiles, sha256, stampFileFor } from '../../util/hash.js';
import { gatherModelBytes } from './onnx.js';
import { DEFAULT_TUNING, type Tuning, trainStaticEmbeddings } from './static-embeddings.js';
import { tokenizerConfigJson, tokenizerJson } from './tokenizer.js';

export const LOCAL_MODEL_ORG = 'ragvft';
export const LOCAL_MODEL_ALGORITHM = 'ppmi-svd+idf-identity';
/** Bump when anything changes the built files, so old folders are not reused. */
export const LOCAL_MODEL_VERSION = 1;
const MANIFEST = 'ragvft-model.json';
/** The files the manifest records a sha256 of (all but itself). */
const HASHED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx'] as const;

export interface LocalModelOptions {
  /** The corpus: every passage the index will hold. */
  texts: string[];
  dim: number;
  /** Folder that transformers.js resolves model ids against (env.localModelPath). */
  localModelPath: string;
  seed?: number;
  /** Folder of file-hash stamps (fast path); without it every reuse re-hashes the folder's files. */
  stampDir?: string;
}

export interface LocalModelResult {
  /** `ragvft/ppmi-svd-<hash12>`, for createTransformersEmbedder with the same localModelPath. */
  modelId: string;
  dir: string;
  /** false when a folder with a matching manifest was reused. */
  built: boolean;
  /** Why an existing folder was rebuilt (damaged or replaced files); absent for a first build or a reuse. */
  reason?: string;
}

export interface LocalModelManifest {
  algorithm: string;
  algorithmVersion: number;
  modelId: string;
  dim: number;
  semanticDims: number;
  vocabSize: number;
  textCount: number;
  textsHash: string;
  seed: number;
  tuning: Tuning;
  /** sha256 of each model file as written: reuse re-checks them, so a damaged or replaced file is rebuilt. */
  files: Record<(typeof HASHED_FILES)[number], string>;
  /** The only field that differs between two builds of the same model. */
  buildSeconds: number;
}

const count = z.number().int().nonnegative();
export const LocalModelManifestSchema = z.strictObject({
  algorithm: z.string(),
  algorithmVersion: z.number().int(),
  modelId: z.string().min(1),
  dim: z.number().int().positive(),
  semanticDims: count,
  vocabSize: z.number().int().positive(),
  textCount: count,
  textsHash: z.string().min(1),
  seed: z.number().int(),
  tuning: z.strictObject({
    window: z.number().int().positive(),
    cdsAlpha: z.number(),
    semanticDimShare: z.number(),
    semanticWeight: z.number(),
    center: z.boolean(),
    powerIterations: count,
  }),
  files: z.strictObject(Object.fromEntries(HASHED_FILES.map((f) => [f, z.string().regex(/^[0-9a-f]{64}$/)])) as Record<(typeof HASHED_FILES)[number], z.ZodString>),
  buildSeconds: z.number().nonnegative(),
}) satisfies z.ZodType<LocalModelManifest>;

/** Length-prefixed, so ["ab","c"] and ["a","bc"] hash differently. */
export function hashTexts(texts: readonly string[]): string {
  const h = createHash('sha256');
  for (const t of texts) h.update(`${Buffer.byteLength(t)}:`).update(t);
  return h.digest('hex');
}

function modelHash(textsHash: string, dim: number, seed: number): string {
  return sha256(JSON.stringify({ algorithm: LOCAL_MODEL_ALGORITHM, version: LOCAL_MODEL_VERSION, tuning: DEFAULT_TUNING, dim, seed, textsHash }));
}

/** The folder's manifest; undefined when missing, unreadable or not a valid manifest (then the folder is rebuilt). */
async function readManifest(dir: string): Promise<LocalModelManifest | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = LocalModelManifestSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Undefined when `dir` is a finished folder for exactly these inputs whose files still hash to
 * what its manifest recorded; else why not ('absent' when there is no folder at all).
 */
async function whyNotReusable(dir: string, textsHash: string, dim: number, seed: number, stampDir?: string): Promise<string | undefined> {
  if (!existsSync(dir)) return 'absent';
  const m = await readManifest(dir);
  if (!m) return `${MANIFEST} missing or invalid`;
  const matches = m.algorithm === LOCAL_MODEL_ALGORITHM && m.algorithmVersion === LOCAL_MODEL_VERSION && m.textsHash === textsHash && m.dim === dim && m.seed === seed;
  if (!matches) return `${MANIFEST} is for other inputs`;
  const paths = HASHED_FILES.map((f) => join(dir, f));
  const hashes = await hashFiles(paths, stampDir ? stampFileFor(stampDir, dir) : undefined);
  const bad = HASHED_FILES.filter((f, i) => hashes.get(paths[i])?.sha256 !== m.files[f]);
  if (bad.length > 0) return `${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} missing or differ from the sha256 in ${MANIFEST}`;
  return undefined;
}

/** Builds in flight in this process, by folder, so concurrent calls share one build. */
const inFlight = new Map<string, Promise<LocalModelResult>>();
let tmpCounter = 0;

export async function ensureLocalEmbeddingModel(opts: LocalModelOptions): Promise<LocalModelResult> {
  const seed = opts.seed ?? 42;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const textsHash = hashTexts(opts.texts);
  const name = `ppmi-svd-${modelHash(textsHash, opts.dim, seed).slice(0, 12)}`;
  const modelId = `${LOCAL_MODEL_ORG}/${name}`;
  const dir = join(opts.localModelPath, LOCAL_MODEL_ORG, name);
  const pending = inFlight.get(dir);
  if (pending) return { ...(await pending), built: false, reason: undefined };
  const why = await whyNotReusable(dir, textsHash, opts.dim, seed, opts.stampDir);
  if (why === undefined) return { modelId, dir, built: false };
  const again = inFlight.get(dir); // another call may have started while we hashed
  if (again) return { ...(await again), built: false, reason: undefined };
  const build = buildInto(dir, { ...opts, seed, modelId, textsHash }).then((r) => (why === 'absent' || !r.built ? r : { ...r, reason: why }));
  inFlight.set(dir, build);
  try {
    return await build;
  } finally {
    inFlight.delete(dir);
  }
}

async function buildInto(dir: string, opts: LocalModelOptions & { seed: number; modelId: string; textsHash: string }): Promise<LocalModelResult> {
  const { modelId, textsHash, dim, seed } = opts;
  await removeStaleTemps(dirname(dir));
  // Build beside the target and rename, so a crash never leaves a half model under the real name.
  const tmp = join(dirname(dir), `.${basename(dir)}${TMP_MARK}${process.pid}-${Date.now()}-${++tmpCounter}`);
  try {
    await writeModelFolder(tmp, opts);
    if (existsSync(dir)) await rm(dir, { recursive: true, force: true }); // stale or foreign: replace
    try {
      await rename(tmp, dir);
    } catch (err) {
      // Another process may have finished the same model first; theirs is as good as ours.
      if ((await whyNotReusable(dir, textsHash, dim, seed, opts.stampDir)) === undefined) return { modelId, dir, built: false };
      throw err;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { modelId, dir, built: true };
}

const TMP_MARK = '.tmp-';

/** Temp folders of builds that crashed (older than an hour, so not a build still running). */
async function removeStaleTemps(parent: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  const cutoff = Date.now() - 3_600_000;
  for (const name of names) {
    if (!name.startsWith('.ppmi-svd-') || !name.includes(TMP_MARK)) continue;
    const path = join(parent, name);
    const info = await stat(path).catch(() => undefined);
    if (info && info.mtimeMs < cutoff) await rm(path, { recursive: true, force: true });
  }
}

async function writeModelFolder(
  dir: string,
  opts: LocalModelOptions & { seed: number; modelId: string; textsHash: string },
): Promise<void> {
  const started = performance.now();
  const model = trainStaticEmbeddings(opts.texts, { dim: opts.dim, seed: opts.seed });
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const hashes: Record<string, string> = {};
  const put = async (file: string, bytes: string | Uint8Array) => {
    await writeFile(join(dir, file), bytes);
    hashes[file] = sha256(bytes);
  };
  const json = (file: string, value: unknown) => put(file, `${JSON.stringify(value, null, 2)}\n`);
  await json('config.json', modelConfig(model.vocab.length, opts.dim));
  await json('tokenizer.json', tokenizerJson(model.vocab));
  await json('tokenizer_config.json', tokenizerConfigJson());
  await put('onnx/model.onnx', gatherModelBytes(model.table, model.vocab.length, opts.dim));
  await linkOrCopy(join(dir, 'onnx/model.onnx'), join(dir, 'onnx/model_quantized.onnx'));
  hashes['onnx/model_quantized.onnx'] = hashes['onnx/model.onnx'];
  const manifest: LocalModelManifest = {
    algorithm: LOCAL_MODEL_ALGORITHM,
    algorithmVersion: LOCAL_MODEL_VERSION,
    modelId: opts.modelId,
    dim: opts.dim,
    semanticDims: model.semanticDims,
    vocabSize: model.vocab.length,
    textCount: opts.texts.length,
    textsHash: opts.textsHash,
    seed: opts.seed,
    tuning: { ...DEFAULT_TUNING },
    files: Object.fromEntries(HASHED_FILES.map((f) => [f, hashes[f]])) as LocalModelManifest['files'],
    buildSeconds: Math.round((performance.now() - started) / 10) / 100,
  };
  await writeFile(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`); // written last: its presence marks a complete folder
}

/** `quantized: true` loads model_quantized.onnx; a hard link serves both without a second copy. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

/** Enough of a BERT config for transformers.js to pick its BERT classes without warnings. */
function modelConfig(vocabSize: number, dim: number): object {
  return {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: dim,
    vocab_size: vocabSize,
    num_hidden_layers: 0,
    num_attention_heads: 1,
    max_position_embeddings: 512,
    pad_token_id: 0,
    ragvft: { note: 'static word embeddings (PPMI-SVD + idf-weighted identity vectors), see ragvft-model.json' },
  };
}
