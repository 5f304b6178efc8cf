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
 *
 * A text asked for while another call is computing it waits for that call instead of computing it
 * again. embedWithSource says which vectors a call did not compute itself (cache or shared), so a
 * lookup is never timed as model latency (records' `embedCached`).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import { sha256 } from '../../util/hash.js';
import type { Embedder } from './types.js';
import { assertFiniteVector } from './validate.js';

export interface EmbeddedWithSource {
  vectors: Float32Array[];
  /**
   * Per text: served without computing it here, from the cache or from a call in flight for the
   * same text (e.g. hybrid asking the question rag is embedding), so its time is not a model's.
   */
  cached: boolean[];
}

export interface CachedEmbedder extends Embedder {
  /** embed(), saying which vectors were computed by this call and which were not. */
  embedWithSource(texts: string[]): Promise<EmbeddedWithSource>;
  /** Texts answered from the cache (or a call in flight) / computed by the inner embedder, since creation. */
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
  /** Texts being embedded by a call in flight: a concurrent call for the same text waits for it. */
  const pending = new Map<string, Promise<void>>();
  let hits = 0;
  let misses = 0;

  async function compute(missing: Map<string, string>): Promise<void> {
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

  async function embedWithSource(texts: string[]): Promise<EmbeddedWithSource> {
    const keys = texts.map((t) => sha256(t));
    const missing = new Map<string, string>(); // key -> text, each distinct text embedded once
    const waits = new Set<Promise<void>>();
    const cached = keys.map((k, i) => {
      const inFlight = pending.get(k);
      if (inFlight) waits.add(inFlight);
      else if (!entries.has(k)) missing.set(k, texts[i]);
      return !missing.has(k);
    });
    hits += cached.filter(Boolean).length;
    misses += cached.length - cached.filter(Boolean).length;
    if (missing.size > 0) {
      const own = compute(missing);
      for (const k of missing.keys()) pending.set(k, own);
      waits.add(own.finally(() => [...missing.keys()].forEach((k) => pending.delete(k))));
    }
    await Promise.all(waits);
    // Copies, so a caller that scales a vector in place cannot corrupt the cache.
    return { vectors: keys.map((k) => entries.get(k)!.slice()), cached };
  }

  return {
    id: inner.id,
    dim: inner.dim,
    embed: async (texts) => (await embedWithSource(texts)).vectors,
    embedWithSource,
    stats: () => ({ hits, misses }),
  };
}

/**
 * Embeds `texts` and says which vectors were served without computing them: from the cache, or
 * from a call in flight for the same text. An embedder without a cache computes all of them.
 */
export async function embedWithSource(embedder: Embedder | CachedEmbedder, texts: string[]): Promise<EmbeddedWithSource> {
  if ('embedWithSource' in embedder) return embedder.embedWithSource(texts);
  return { vectors: await embedder.embed(texts), cached: texts.map(() => false) };
}
