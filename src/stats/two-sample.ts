/**
 * Difference of means of two independent samples (e.g. RAG's accuracy on questions whose answer
 * was in the retrieved context vs on those whose answer was not) with a percentile-bootstrap
 * interval: each sample is resampled on its own.
 */
import { type BootstrapOptions, bootstrapMeans, type DiffCI, mean, percentileInterval, resolveBootstrapOptions } from './bootstrap.js';
import { deriveSeed } from './rng.js';

/** mean(b) − mean(a) for independent samples. Throws on an empty sample. */
export function independentDiffCI(a: ArrayLike<number>, b: ArrayLike<number>, opts: BootstrapOptions = {}): DiffCI {
  const { resamples, seed, level } = resolveBootstrapOptions(opts);
  // Draws depend on (seed, n): samples of equal size need seeds of their own to be independent.
  const [ma] = bootstrapMeans([a], { resamples, seed: deriveSeed(seed, 'two-sample:a') });
  const [mb] = bootstrapMeans([b], { resamples, seed: deriveSeed(seed, 'two-sample:b') });
  const d = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) d[r] = mb![r]! - ma![r]!;
  return { diff: mean(b) - mean(a), ...percentileInterval(d, level) };
}
