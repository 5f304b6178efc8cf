/**
 * Disk cache of embeddings, keyed by model id + sha256(text). The file is JSONL, one record per
 * line: {"m": modelId, "h": sha256(text), "v": base64 of little-endian float32}. base64 keeps
 * vectors bit-exact; one line per record makes a crash mid-append lose only the last line,
 * which is dropped (and cut off the file) when the cache is next opened.
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
}

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
function loadEntries(cacheFile: string, modelId: string, dim: number): Map<string, Float32Array> {
  const entries = new Map<string, Float32Array>();
  if (!existsSync(cacheFile)) return entries;
  const raw = readFileSync(cacheFile);
  const end = raw.lastIndexOf(0x0a) + 1; // bytes after the last newline are a torn record
  if (end < raw.length) truncateSync(cacheFile, end);
  for (const line of raw.subarray(0, end).toString('utf8').split('\n')) {
    const rec = parseRecord(line);
    if (!rec || rec.m !== modelId) continue;
    const v = decodeVector(rec.v);
    try {
      assertFiniteVector(v, dim, 'cached embedding');
      entries.set(rec.h, v);
    } catch {
      // A record from a model that changed shape, or damaged bytes: embed again instead.
    }
  }
  return entries;
}

function parseRecord(line: string): CacheRecord | undefined {
  if (!line) return undefined;
  try {
    const rec = JSON.parse(line) as Partial<CacheRecord>;
    return typeof rec.m === 'string' && typeof rec.h === 'string' && typeof rec.v === 'string' ? (rec as CacheRecord) : undefined;
  } catch {
    return undefined;
  }
}

export function createCachedEmbedder(inner: Embedder, cacheFile: string): CachedEmbedder {
  const entries = loadEntries(cacheFile, inner.id, inner.dim);
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
        lines.push(JSON.stringify({ m: inner.id, h: k, v: encodeVector(vectors[i]) } satisfies CacheRecord));
      });
      mkdirSync(dirname(cacheFile), { recursive: true });
      appendFileSync(cacheFile, `${lines.join('\n')}\n`); // one write per call: records stay whole lines
    }
    // Copies, so a caller that scales a vector in place cannot corrupt the cache.
    return keys.map((k) => entries.get(k)!.slice());
  }

  return { id: inner.id, dim: inner.dim, embed, stats: () => ({ hits, misses }) };
}
