import type { Embedder } from '../retrieval/embedding/types.js';
import { mulberry32 } from '../stats/rng.js';

/**
 * Unit vectors near a low-dimensional subspace, like real embeddings (random 256-d data is
 * unrealistically hard). With `clusters`, the subspace coordinates scatter around that many
 * centres, so neighbourhoods are uneven as in a real corpus of topics.
 */
export function syntheticVectors(n: number, dim: number, intrinsic: number, seed: number, clusters = 0): Float32Array[] {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const basis = Array.from({ length: intrinsic }, () => Float32Array.from({ length: dim }, gauss));
  const centres = Array.from({ length: clusters }, () => Float64Array.from({ length: intrinsic }, gauss));
  return Array.from({ length: n }, () => {
    const v = new Float32Array(dim);
    const centre = clusters > 0 ? centres[Math.floor(rand() * clusters)]! : undefined;
    basis.forEach((b, j) => {
      const c = (centre ? centre[j]! : 0) + (centre ? 0.5 : 1) * gauss();
      for (let i = 0; i < dim; i++) v[i]! += c * b[i]!;
    });
    for (let i = 0; i < dim; i++) v[i]! += 0.1 * gauss();
    let norm = 0;
    for (let i = 0; i < dim; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    return v.map((x) => x / norm);
  });
}

/** An embedder over precomputed vectors: text `…v<i>` is vector i. */
export function lookupEmbedder(vectors: Float32Array[]): Embedder {
  return { id: 'synthetic', dim: vectors[0]!.length, embed: async (texts) => texts.map((t) => vectors[Number(t.slice(t.lastIndexOf('v') + 1))]!) };
}
