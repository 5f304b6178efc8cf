/**
 * Turns texts into fixed-length, L2-normalized vectors (finite, length `dim`: see validate.ts).
 * `id` names the model (it goes into index manifests and keys the embedding cache).
 */
export interface Embedder {
  readonly id: string;
  readonly dim: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}
