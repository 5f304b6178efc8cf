import { hashObject } from '../../util/hash.js';
import type { Chunk, ChunkingOptions } from '../chunk.js';
import type { KeyedChunk } from './types.js';

/**
 * A chunk's content key: the hash of everything its stored vector and metadata depend on (the
 * embedding model, the chunking parameters, and the chunk itself: document id and version dates,
 * title, text, position, access list). Equal keys mean a stored entry can be kept as it is.
 */
export function keyChunks(chunks: readonly Chunk[], embeddingModel: string, chunking: ChunkingOptions): KeyedChunk[] {
  const params = { embeddingModel, chunkSize: chunking.chunkSize, chunkOverlap: chunking.chunkOverlap };
  return chunks.map((chunk) => ({ key: hashObject({ ...params, chunk }).slice(0, 32), chunk }));
}
