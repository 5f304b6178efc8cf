/**
 * hnswlib-node's bindings and the index-file I/O the HNSW store (store/hnsw-store.ts) builds on:
 * index.bin written with its size and sha256, and read back only after both (and its header)
 * match, so native code never sees a damaged or replaced file.
 */
import { copyFile, link, open, rename, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import hnswlib from 'hnswlib-node';
import { z } from 'zod';
import { sha256File, stableStringify } from '../../util/hash.js';

// hnswlib-node is a CommonJS native addon: Node's ESM loader cannot see its named exports.
export const { HierarchicalNSW, BruteforceSearch } = hnswlib;
export type Hnsw = InstanceType<typeof HierarchicalNSW>;

export type Space = 'cosine' | 'ip' | 'l2';

/** hnswlib's own default seed. */
export const DEFAULT_SEED = 100;

/** An index file as written: its size and sha256, checked before native code reads it. hnswlib
 * trusts its input (damaged links or ids crash it, NaN poisons distances). */
export const IndexFileSchema = z.strictObject({ size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type IndexFile = z.infer<typeof IndexFileSchema>;

/** Human-readable differences between a stored and a wanted identity, in the order of `fields` (most important first). */
export function describeFieldChanges<T extends object>(stored: T, wanted: T, fields: ReadonlyArray<readonly [keyof T, string]>): string[] {
  const show = (v: unknown) => (typeof v === 'object' ? JSON.stringify(v) : String(v));
  const changes: string[] = [];
  for (const [key, label] of fields) {
    if (stableStringify(stored[key]) !== stableStringify(wanted[key])) changes.push(`${label} (${show(stored[key])} -> ${show(wanted[key])})`);
  }
  return changes;
}

/** hnswlib's saveIndex header: 6 size_t, int32 maxlevel, uint32 entry point, 3 size_t, double mult, size_t efConstruction. */
const HEADER_BYTES = 96;

/** Reads hnswlib's index header in JS and returns a problem, or undefined if it fits the manifest. */
async function checkIndexFileHeader(path: string, name: string, m: IndexFileExpectation): Promise<string | undefined> {
  let buf: Buffer;
  let fileSize: number;
  try {
    fileSize = (await stat(path)).size;
    const fh = await open(path, 'r');
    try {
      buf = Buffer.alloc(HEADER_BYTES);
      await fh.read(buf, 0, HEADER_BYTES, 0);
    } finally {
      await fh.close();
    }
  } catch {
    return `${name} is missing or unreadable`;
  }
  if (fileSize < HEADER_BYTES) return `${name} is truncated`;
  const u64 = (offset: number) => Number(buf.readBigUInt64LE(offset));
  const count = u64(16);
  const bytesPerElement = u64(24);
  const labelOffset = u64(32);
  const dataOffset = u64(40);
  const M = u64(72);
  const efConstruction = u64(88);
  // Vectors are float32, stored between the level-0 links (dataOffset) and the label (labelOffset).
  const dim = (labelOffset - dataOffset) / 4;
  if (dim !== m.dim) return `${name} holds ${dim}-dimensional vectors but the manifest says ${m.dim}`;
  if (count !== m.count || M !== m.M || efConstruction !== m.efConstruction) return `${name} does not match its manifest`;
  if (fileSize < HEADER_BYTES + count * (bytesPerElement + 4)) return `${name} is truncated`;
  return undefined;
}

/** What an index file must match before native code reads it. */
export interface IndexFileExpectation {
  space: Space;
  dim: number;
  /** Points in the file, those marked deleted included. */
  count: number;
  M: number;
  efConstruction: number;
  indexFile: IndexFile;
}

let pinCounter = 0;

/**
 * Loads an index file only after its bytes passed the manifest's sha256. The file is first pinned
 * under a private name (a hard link, else a copy), and the pinned file is what is hashed and what
 * readIndex reads: a concurrent rebuild renaming a new file into place cannot slip unverified
 * bytes in between the check and the load. `count` includes points marked deleted.
 */
export async function readVerifiedIndex(path: string, manifest: IndexFileExpectation, allowReplaceDeleted = false): Promise<{ ok: true; hnsw: Hnsw } | { ok: false; reason: string }> {
  const name = basename(path);
  const pinned = `${path}.${process.pid}.${Date.now()}.${++pinCounter}.verify`;
  try {
    await link(path, pinned).catch(() => copyFile(path, pinned));
  } catch {
    return { ok: false, reason: `${name} is missing or unreadable` };
  }
  try {
    const size = (await stat(pinned)).size;
    if (size !== manifest.indexFile.size) return { ok: false, reason: `${name} has ${size} bytes, its manifest recorded ${manifest.indexFile.size} (damaged or replaced)` };
    if ((await sha256File(pinned)) !== manifest.indexFile.sha256) return { ok: false, reason: `${name} failed its checksum (sha256 differs from the manifest: damaged or replaced)` };
    // Belt and braces: the header must agree with the manifest (dimension, count, M), because
    // hnswlib loads a file of another dimension as garbage without complaint.
    const headerProblem = await checkIndexFileHeader(pinned, name, manifest);
    if (headerProblem) return { ok: false, reason: headerProblem };
    const hnsw = new HierarchicalNSW(manifest.space, manifest.dim);
    try {
      await hnsw.readIndex(pinned, allowReplaceDeleted);
    } catch (e) {
      // After a failed readIndex the native object is unusable; it is dropped with this scope.
      return { ok: false, reason: `${name} could not be read (${(e as Error).message})` };
    }
    if (hnsw.getCurrentCount() !== manifest.count) return { ok: false, reason: `${name} holds ${hnsw.getCurrentCount()} vectors, manifest says ${manifest.count}` };
    return { ok: true, hnsw };
  } finally {
    await rm(pinned, { force: true });
  }
}

/** Writes the index via temp file + rename; returns its size and sha256, taken from the temp file before the rename. */
export async function writeIndexFile(hnsw: Hnsw, path: string): Promise<IndexFile> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await hnsw.writeIndex(tmp);
    const indexFile = { size: (await stat(tmp)).size, sha256: await sha256File(tmp) };
    await rename(tmp, path);
    return indexFile;
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
