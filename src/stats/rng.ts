/**
 * Seeded pseudo-random numbers, so bootstrap intervals are identical on every rerun and machine
 * (Math.random cannot be seeded).
 */

/** mulberry32: tiny, fast 32-bit generator; plenty for resampling (not for cryptography). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Derives an independent 32-bit seed from a base seed and a stream label, so each bootstrap stream
 * depends only on (seed, label) and not on how many other streams ran before it.
 */
export function deriveSeed(seed: number, label: string | number): number {
  // FNV-1a over the label, then a murmur3-style finalizer mixed with the base seed.
  let h = 0x811c9dc5 ^ (seed >>> 0);
  const s = String(label);
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
