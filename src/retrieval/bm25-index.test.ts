import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Document } from '../dataset/schema.js';
import { sha256, stableStringify } from '../util/hash.js';
import { DEFAULT_BM25_PARAMS } from './bm25.js';
import { openOrBuildBm25Index } from './bm25-index.js';
import { chunkDocuments } from './chunk.js';

const docs: Document[] = [
  { id: 'orsk', title: 'Orsk', text: 'Orsk is a harbour town. Its mayor is Osric Vell, elected in 2031.' },
  { id: 'velm', title: 'Velm', text: 'Velm lies inland. The Velm glassworks make lenses for telescopes.' },
  { id: 'dam', title: 'Kestrel dam', text: 'The Kestrel dam cost 95 million and opened in 2033.' },
];
const chunking = { chunkSize: 8, chunkOverlap: 2 };
const chunks = chunkDocuments(docs, chunking);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ragvft-bm25-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const top = async (query: string) => (await openOrBuildBm25Index(dir, chunks)).index.search(query, 1, { params: DEFAULT_BM25_PARAMS })[0]?.chunk.docId;
const manifestPath = () => join(dir, 'manifest.json');
const postingsPath = () => join(dir, 'postings.json');
const readManifest = () => JSON.parse(readFileSync(manifestPath(), 'utf8')) as Record<string, unknown>;
/** A manifest edited on purpose, with a valid self-checksum, to reach the checks behind it. */
const writeManifest = (m: Record<string, unknown>) => {
  const { manifestSha256: _, ...rest } = m;
  writeFileSync(manifestPath(), JSON.stringify({ ...rest, manifestSha256: sha256(stableStringify(rest)) }));
};

describe('openOrBuildBm25Index', () => {
  it('builds, stores and then reuses the index; search finds the right chunk', async () => {
    const first = await openOrBuildBm25Index(dir, chunks);
    expect(first).toMatchObject({ reused: false, reason: 'no readable manifest (first build or interrupted write)' });
    expect(first.index.size).toBe(chunks.length);
    const again = await openOrBuildBm25Index(dir, chunks);
    expect(again.reused).toBe(true);
    expect(again.index.search('Who is the mayor of Orsk?', 3, { params: DEFAULT_BM25_PARAMS })).toEqual(first.index.search('Who is the mayor of Orsk?', 3, { params: DEFAULT_BM25_PARAMS }));
    expect(await top('Who is the mayor of Orsk?')).toBe('orsk');
    expect(await top('What did the Kestrel dam cost?')).toBe('dam');
  });

  it('writes the same bytes for the same chunks', async () => {
    await openOrBuildBm25Index(dir, chunks);
    const bytes = readFileSync(postingsPath());
    rmSync(manifestPath());
    await openOrBuildBm25Index(dir, chunks);
    expect(readFileSync(postingsPath()).equals(bytes)).toBe(true);
  });

  it('a changed corpus is rebuilt in place, with a reason', async () => {
    await openOrBuildBm25Index(dir, chunks);
    const edited = chunkDocuments([{ ...docs[0]!, text: 'Orsk is a harbour town. Its mayor is Mira Tull.' }, ...docs.slice(1)], chunking);
    const rebuilt = await openOrBuildBm25Index(dir, edited);
    expect(rebuilt).toMatchObject({ reused: false, reason: expect.stringMatching(/corpus or chunking changed/) });
    expect(rebuilt.index.search('Mira Tull', 1, { params: DEFAULT_BM25_PARAMS })[0]!.chunk.docId).toBe('orsk');
    expect((await openOrBuildBm25Index(dir, edited)).reused).toBe(true);
  });

  it('a changed validity date alone is a changed corpus (the temporal filter reads it from the chunks)', async () => {
    await openOrBuildBm25Index(dir, chunks);
    const dated = chunkDocuments([{ ...docs[0]!, validFrom: '2031-01-01' }, ...docs.slice(1)], chunking);
    expect((await openOrBuildBm25Index(dir, dated)).reason).toMatch(/corpus or chunking changed/);
  });

  it('another analyzer is a rebuild, named in the reason', async () => {
    await openOrBuildBm25Index(dir, chunks);
    writeManifest({ ...readManifest(), analyzer: 'bm25-words-000000000000' });
    const r = await openOrBuildBm25Index(dir, chunks);
    expect(r.reason).toMatch(/^analyzer changed \(bm25-words-000000000000 -> bm25-words-[0-9a-f]{12}\)$/);
  });
});

describe('openOrBuildBm25Index: damage is detected, rebuilt with a notice, never used', () => {
  it('a flipped byte in postings.json (same size) fails the checksum', async () => {
    await openOrBuildBm25Index(dir, chunks);
    const bytes = readFileSync(postingsPath());
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    writeFileSync(postingsPath(), bytes);
    const r = await openOrBuildBm25Index(dir, chunks);
    expect(r).toMatchObject({ reused: false, reason: expect.stringMatching(/^postings.json failed its checksum/) });
    expect(await top('Who is the mayor of Orsk?')).toBe('orsk');
    expect((await openOrBuildBm25Index(dir, chunks)).reused).toBe(true);
  });

  it('a truncated postings.json is caught by its size', async () => {
    await openOrBuildBm25Index(dir, chunks);
    writeFileSync(postingsPath(), readFileSync(postingsPath()).subarray(0, 40));
    expect((await openOrBuildBm25Index(dir, chunks)).reason).toMatch(/^postings.json has 40 bytes, its manifest recorded \d+/);
  });

  it('a missing postings.json', async () => {
    await openOrBuildBm25Index(dir, chunks);
    rmSync(postingsPath());
    expect((await openOrBuildBm25Index(dir, chunks)).reason).toBe('postings.json is missing or unreadable');
  });

  it('an edited manifest fails its own checksum', async () => {
    await openOrBuildBm25Index(dir, chunks);
    writeFileSync(manifestPath(), JSON.stringify({ ...readManifest(), buildSeconds: 0 }));
    expect((await openOrBuildBm25Index(dir, chunks)).reason).toBe('manifest.json failed its checksum (damaged or edited)');
  });

  it('a manifest that is not JSON or misses a field', async () => {
    await openOrBuildBm25Index(dir, chunks);
    writeFileSync(manifestPath(), '{"formatVersion": 1,');
    expect((await openOrBuildBm25Index(dir, chunks)).reason).toMatch(/no readable manifest/);
    const { count: _, ...rest } = readManifest();
    writeFileSync(manifestPath(), JSON.stringify(rest));
    expect((await openOrBuildBm25Index(dir, chunks)).reason).toMatch(/^manifest invalid \(count:/);
  });

  it('postings that pass the checksum but do not fit the manifest (labels out of range)', async () => {
    await openOrBuildBm25Index(dir, chunks);
    const postings = JSON.parse(readFileSync(postingsPath(), 'utf8')) as { postings: number[][] };
    postings.postings[0]![0] = 999;
    const bytes = Buffer.from(JSON.stringify(postings));
    writeFileSync(postingsPath(), bytes);
    writeManifest({ ...readManifest(), indexFile: { size: bytes.length, sha256: sha256(bytes) } });
    expect((await openOrBuildBm25Index(dir, chunks)).reason).toBe('postings.json does not match its manifest');
  });
});
