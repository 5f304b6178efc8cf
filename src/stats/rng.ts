/**
 * Seeded pseudo-random numbers, so bootstrap intervals are identical on every rerun and machine
 * (Math.random cannot be seeded).
 */

export { mulberry32 } from '../util/rng.js';

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
