import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { writeFileAtomic } from '../util/fs.js';
import { sha256, stableStringify } from '../util/hash.js';
import { ANALYZER_ID, type Bm25Params, type Bm25Postings, buildPostings, createScorer } from './bm25.js';
import { type Chunk, chunkEmbeddingText } from './chunk.js';

export const BM25_FORMAT_VERSION = 1;

const FILES = { manifest: 'manifest.json', postings: 'postings.json' } as const;
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

const Bm25ManifestSchema = z.strictObject({
  formatVersion: z.literal(BM25_FORMAT_VERSION),
  /** What turned text into terms (bm25.ts ANALYZER_ID). */
  analyzer: z.string(),
  /** sha256 of the chunks (ids, documents, validity) and of the texts indexed: labels are positions in the list. */
  inputsHash: Sha256,
  count: z.number().int().nonnegative(),
  builtAt: z.string(),
  buildSeconds: z.number().nonnegative(),
  /** postings.json as written, verified before it is parsed. */
  indexFile: z.strictObject({ size: z.number().int().nonnegative(), sha256: Sha256 }),
  /** sha256 of this manifest without this field: a damaged or hand-edited manifest is not trusted. */
  manifestSha256: Sha256,
});
export type Bm25Manifest = z.infer<typeof Bm25ManifestSchema>;

const PostingsSchema = z.strictObject({
  terms: z.array(z.string()),
  postings: z.array(z.array(z.number().int().nonnegative())),
  lengths: z.array(z.number().int().nonnegative()),
});

/** The manifest fields that define an index: if any differs, the stored one is not the one asked for. */
type Identity = Pick<Bm25Manifest, 'formatVersion' | 'analyzer' | 'inputsHash' | 'count'>;

export interface Bm25SearchHit {
  chunk: Chunk;
  score: number;
}

export interface Bm25Index {
  readonly size: number;
  readonly manifest: Bm25Manifest;
  /** Chunks in label order. */
  readonly chunks: readonly Chunk[];
  /** Up to k chunks with a positive BM25 score, best first; `filter` narrows which may be returned. */
  search(query: string, k: number, opts: { params: Bm25Params; filter?: (chunk: Chunk) => boolean }): Bm25SearchHit[];
}

/**
 * Reuses the BM25 index stored in `dir` if it was built from exactly these chunks with this
 * analyzer, else builds and stores it. `reason` says why it was (re)built.
 */
export async function openOrBuildBm25Index(dir: string, chunks: Chunk[]): Promise<{ index: Bm25Index; reused: boolean; reason?: string }> {
  const texts = chunks.map(chunkEmbeddingText);
  const wanted: Identity = { formatVersion: BM25_FORMAT_VERSION, analyzer: ANALYZER_ID, inputsHash: sha256(stableStringify([chunks, texts])), count: chunks.length };
  const stored = await loadStored(dir, wanted);
  if (stored.ok) return { index: toIndex(stored.postings, stored.manifest, chunks), reused: true };
  return { index: await buildAndStore(dir, chunks, texts, wanted), reused: false, reason: stored.reason };
}

type Load = { ok: true; manifest: Bm25Manifest; postings: Bm25Postings } | { ok: false; reason: string };

async function loadStored(dir: string, wanted: Identity): Promise<Load> {
  const raw = await readFile(join(dir, FILES.manifest), 'utf8').catch(() => undefined);
  let json: unknown;
  try {
    json = raw === undefined ? undefined : JSON.parse(raw);
  } catch {
    json = undefined;
  }
  if (json === undefined) return { ok: false, reason: 'no readable manifest (first build or interrupted write)' };
  const parsed = Bm25ManifestSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `manifest invalid (${parsed.error.issues[0]?.path.join('.') || 'root'}: ${parsed.error.issues[0]?.message})` };
  const manifest = parsed.data;
  if (manifestChecksum(manifest) !== manifest.manifestSha256) return { ok: false, reason: `${FILES.manifest} failed its checksum (damaged or edited)` };
  const changes = describeChanges(manifest, wanted);
  if (changes.length > 0) return { ok: false, reason: changes.join('; ') };

  // One read: the bytes hashed are the bytes parsed.
  const bytes = await readFile(join(dir, FILES.postings)).catch(() => undefined);
  if (bytes === undefined) return { ok: false, reason: `${FILES.postings} is missing or unreadable` };
  if (bytes.length !== manifest.indexFile.size) return { ok: false, reason: `${FILES.postings} has ${bytes.length} bytes, its manifest recorded ${manifest.indexFile.size} (damaged or replaced)` };
  if (sha256(bytes) !== manifest.indexFile.sha256) return { ok: false, reason: `${FILES.postings} failed its checksum (sha256 differs from the manifest: damaged or replaced)` };
  const postings = PostingsSchema.safeParse(JSON.parse(bytes.toString('utf8')));
  if (!postings.success || !consistent(postings.data, manifest.count)) return { ok: false, reason: `${FILES.postings} does not match its manifest` };
  return { ok: true, manifest, postings: postings.data };
}

function describeChanges(stored: Bm25Manifest, wanted: Identity): string[] {
  const fields: Array<[keyof Identity, string]> = [
    ['formatVersion', 'index format changed'],
    ['analyzer', 'analyzer changed'],
    ['inputsHash', 'corpus or chunking changed'],
    ['count', 'chunk count changed'],
  ];
  return fields.filter(([key]) => stored[key] !== wanted[key]).map(([key, label]) => (key === 'inputsHash' ? label : `${label} (${stored[key]} -> ${wanted[key]})`));
}

/** Written by buildPostings for `count` chunks: every list is label/tf pairs with labels in range. */
function consistent(p: Bm25Postings, count: number): boolean {
  if (p.lengths.length !== count || p.postings.length !== p.terms.length) return false;
  return p.postings.every((list) => list.length % 2 === 0 && list.every((x, i) => (i % 2 === 0 ? x < count : x > 0)));
}

const manifestChecksum = (m: Omit<Bm25Manifest, 'manifestSha256'> & { manifestSha256?: string }) => {
  const { manifestSha256: _, ...rest } = m;
  return sha256(stableStringify(rest));
};

/**
 * The manifest goes first and comes back last: until it is back the folder reads as "no index",
 * so a crash midway leads to a rebuild, never to an old manifest paired with new postings.
 */
async function buildAndStore(dir: string, chunks: Chunk[], texts: string[], wanted: Identity): Promise<Bm25Index> {
  const started = performance.now();
  const postings = buildPostings(texts);
  const bytes = Buffer.from(JSON.stringify(postings));
  await rm(join(dir, FILES.manifest), { force: true });
  await writeFileAtomic(join(dir, FILES.postings), bytes);
  const body = { ...wanted, builtAt: new Date().toISOString(), buildSeconds: (performance.now() - started) / 1000, indexFile: { size: bytes.length, sha256: sha256(bytes) } };
  const manifest: Bm25Manifest = { ...body, manifestSha256: manifestChecksum(body) };
  await writeFileAtomic(join(dir, FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return toIndex(postings, manifest, chunks);
}

function toIndex(postings: Bm25Postings, manifest: Bm25Manifest, chunks: readonly Chunk[]): Bm25Index {
  const scorer = createScorer(postings);
  return {
    size: chunks.length,
    manifest,
    chunks,
    search(query, k, { params, filter }) {
      const allowed = filter ? (label: number) => filter(chunks[label]!) : undefined;
      return scorer.search(query, k, params, allowed).map((h) => ({ chunk: chunks[h.label]!, score: h.score }));
    },
  };
}
