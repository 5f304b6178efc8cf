/**
 * Disk cache of embeddings, keyed by model id + sha256(text). The file is JSONL, one record per
 * line: {"m": modelId, "h": sha256(text), "v": base64 of little-endian float32, "c": checksum}.
 * base64 keeps vectors bit-exact; one line per record makes a crash mid-append lose only the
 * last line, which is dropped (and cut off the file) when the cache is next opened.
 *
 * `c` is sha256(m, h, v) (first 32 hex digits): it binds each vector to its model and text, so a
 * damaged vector, or vectors swapped between records, fail the check on load and are embedded
 * again (with one notice) instead of being served. The model id is the versioned one
 * (`<model>@<hash12>` for transformers.js models, see model-identity.ts), so vectors of other
 * weights never match. Records without `c` (older files) are not trusted either.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import { sha256 } from '../../util/hash.js';
import type { Embedder } from './types.js';
import { assertFiniteVector } from './validate.js';

export interface CachedEmbedder extends Embedder {
  /** Texts answered from the cache / passed to the inner embedder, since creation. */
  stats(): { hits: number; misses: number };
}

interface CacheRecord {
  m: string;
  h: string;
  v: string;
  c: string;
}

export interface CachedEmbedderOptions {
  /** Where a one-line notice goes when damaged records were dropped. */
  log?: (msg: string) => void;
}

export const recordChecksum = (m: string, h: string, v: string) => sha256(`${m}\u0000${h}\u0000${v}`).slice(0, 32);

function encodeVector(v: Float32Array): string {
  const bytes = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) bytes.writeFloatLE(v[i], i * 4);
  return bytes.toString('base64');
}

function decodeVector(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  const v = new Float32Array(bytes.length >> 2);
  for (let i = 0; i < v.length; i++) v[i] = bytes.readFloatLE(i * 4);
  return v;
}

/** Entries of `modelId` in the file; cuts a partial last line so the next append starts clean. */
function loadEntries(cacheFile: string, modelId: string, dim: number): { entries: Map<string, Float32Array>; damaged: number } {
  const entries = new Map<string, Float32Array>();
  let damaged = 0;
  if (!existsSync(cacheFile)) return { entries, damaged };
  const raw = readFileSync(cacheFile);
  const end = raw.lastIndexOf(0x0a) + 1; // bytes after the last newline are a torn record
  if (end < raw.length) truncateSync(cacheFile, end);
  for (const line of raw.subarray(0, end).toString('utf8').split('\n')) {
    if (!line) continue;
    const rec = parseRecord(line);
    if (rec && rec.m !== modelId) continue;
    if (!rec || rec.c !== recordChecksum(rec.m, rec.h, rec.v)) {
      // Garbage, a torn line in the middle, or a record whose vector is not the one written for it.
      damaged++;
      continue;
    }
    const v = decodeVector(rec.v);
    try {
      assertFiniteVector(v, dim, 'cached embedding');
      entries.set(rec.h, v);
    } catch {
      damaged++; // intact but unusable (e.g. a model that changed shape): embed again instead.
    }
  }
  return { entries, damaged };
}

function parseRecord(line: string): CacheRecord | undefined {
  if (!line) return undefined;
  try {
    const rec = JSON.parse(line) as Partial<CacheRecord>;
    return rec && typeof rec.m === 'string' && typeof rec.h === 'string' && typeof rec.v === 'string' ? ({ ...rec, c: typeof rec.c === 'string' ? rec.c : '' } as CacheRecord) : undefined;
  } catch {
    return undefined;
  }
}

export function createCachedEmbedder(inner: Embedder, cacheFile: string, opts: CachedEmbedderOptions = {}): CachedEmbedder {
  const { entries, damaged } = loadEntries(cacheFile, inner.id, inner.dim);
  if (damaged > 0) opts.log?.(`embedding cache ${cacheFile}: ${damaged} damaged record(s) failed their checksum and are ignored; those texts are embedded again`);
  let hits = 0;
  let misses = 0;

  async function embed(texts: string[]): Promise<Float32Array[]> {
    const keys = texts.map((t) => sha256(t));
    const missing = new Map<string, string>(); // key -> text, each distinct text embedded once
    keys.forEach((k, i) => {
      if (entries.has(k)) hits++;
      else {
        misses++;
        missing.set(k, texts[i]);
      }
    });
    if (missing.size > 0) {
      const vectors = await inner.embed([...missing.values()]);
      const lines: string[] = [];
      [...missing.keys()].forEach((k, i) => {
        assertFiniteVector(vectors[i], inner.dim, `embedding from ${inner.id}`);
        entries.set(k, vectors[i]);
        const v = encodeVector(vectors[i]);
        lines.push(JSON.stringify({ m: inner.id, h: k, v, c: recordChecksum(inner.id, k, v) } satisfies CacheRecord));
      });
      mkdirSync(dirname(cacheFile), { recursive: true });
      appendFileSync(cacheFile, `${lines.join('\n')}\n`); // one write per call: records stay whole lines
    }
    // Copies, so a caller that scales a vector in place cannot corrupt the cache.
    return keys.map((k) => entries.get(k)!.slice());
  }

  return { id: inner.id, dim: inner.dim, embed, stats: () => ({ hits, misses }) };
}
