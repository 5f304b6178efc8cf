/**
 * mulberry32: a tiny seeded 32-bit generator returning [0, 1). Everything random in ragvft
 * (fixture, model builds, training, bootstrap) uses it, so results are a pure function of the
 * seed on every machine (Math.random cannot be seeded). Not for cryptography.
 */
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
