import { z } from 'zod';

/**
 * Gate thresholds. Every threshold may be null to switch that check off. Drops and rises are
 * absolute differences of rates in [0, 1] (0.02 = two percentage points).
 */
const Limit = z.number().nonnegative().nullable();
const Ratio = z.number().positive().nullable();
const RateLimit = z.number().min(0).max(1).nullable();

export const ThresholdsSchema = z.strictObject({
  /** Largest allowed fall in mean F1. */
  maxF1Drop: Limit.default(0.02),
  /** Largest allowed fall in exact-match accuracy. */
  maxExactMatchDrop: Limit.default(0.02),
  /** Largest allowed rise in the stale-answer rate (updated + new questions). */
  maxStaleRise: Limit.default(0.02),
  /** Largest allowed rise in the missing-answer rate (updated + new questions). */
  maxMissingRise: Limit.default(0.05),
  /** Largest allowed current/baseline ratio of p95 latency (non-cached calls). */
  maxP95LatencyRatio: Ratio.default(1.5),
  /** Largest allowed current/baseline ratio of cost per 1,000 questions. */
  maxCostRatio: Ratio.default(1.1),
  /** Largest allowed share of failed calls in the current run (absolute, not a change). */
  maxErrorRate: RateLimit.default(0.05),
});
export type Thresholds = z.infer<typeof ThresholdsSchema>;
export type ThresholdName = keyof Thresholds;
export const THRESHOLD_NAMES = Object.keys(ThresholdsSchema.shape) as ThresholdName[];

/** Per-pipeline overrides: a missing key inherits the default, null switches the check off. */
export const ThresholdOverridesSchema = z.strictObject({
  maxF1Drop: Limit.optional(),
  maxExactMatchDrop: Limit.optional(),
  maxStaleRise: Limit.optional(),
  maxMissingRise: Limit.optional(),
  maxP95LatencyRatio: Ratio.optional(),
  maxCostRatio: Ratio.optional(),
  maxErrorRate: RateLimit.optional(),
});
export type ThresholdOverrides = z.infer<typeof ThresholdOverridesSchema>;

export const GateConfigSchema = z.strictObject({
  /**
   * Fail an accuracy or freshness regression (F1, exact match, stale, missing) only when it exceeds
   * its tolerance AND is statistically significant (paired-bootstrap CI / McNemar). With false, the
   * tolerance alone decides, which fails on noise more often.
   */
  requireSignificance: z.boolean().default(true),
  /** Latency checks need enough non-cached calls in both runs for a p95 to mean anything. */
  minLatencySamples: z.number().int().nonnegative().default(20),
  thresholds: z
    .strictObject({
      default: ThresholdsSchema.prefault({}),
      pipelines: z.record(z.string(), ThresholdOverridesSchema).default({}),
    })
    .prefault({}),
});
export type GateConfig = z.infer<typeof GateConfigSchema>;
export type GateConfigInput = z.input<typeof GateConfigSchema>;

/** The thresholds that apply to one pipeline: its overrides on top of the defaults. */
export function thresholdsFor(config: GateConfig, pipeline: string): Thresholds {
  const overrides = config.thresholds.pipelines[pipeline] ?? {};
  const out = { ...config.thresholds.default };
  for (const name of THRESHOLD_NAMES) {
    const v = overrides[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}
