import { z } from 'zod';
import { GATED_METRICS, type GatedThreshold } from '../metrics/registry.js';

/**
 * Gate thresholds. Every threshold may be null to switch that check off. Drops and rises are
 * absolute differences of rates in [0, 1] (0.02 = two percentage points).
 */
const Limit = z.number().nonnegative().nullable();
const Ratio = z.number().positive().nullable();
const RateLimit = z.number().min(0).max(1).nullable();

/**
 * Accuracy and freshness thresholds come from the metric registry: each gated metric names its
 * threshold (maxAccuracyDrop, maxF1Drop, maxStaleRise, …) and default tolerance, a drop for
 * higher-is-better metrics and a rise otherwise. The rest bound ratios and the error rate.
 */
const metricThresholds = Object.fromEntries(GATED_METRICS.map((g) => [g.threshold, Limit.default(g.default)])) as Record<GatedThreshold, ReturnType<typeof Limit.default>>;
const otherThresholds = {
  /** Largest allowed current/baseline ratio of p95 latency (non-cached calls). */
  maxP95LatencyRatio: Ratio.default(1.5),
  /** Largest allowed current/baseline ratio of cost per 1,000 questions. */
  maxCostRatio: Ratio.default(1.1),
  /** Largest allowed share of failed calls in the current run (absolute, not a change). */
  maxErrorRate: RateLimit.default(0.05),
};

export const ThresholdsSchema = z.strictObject({ ...metricThresholds, ...otherThresholds });
export type ThresholdName = GatedThreshold | keyof typeof otherThresholds;
/** Threshold name -> limit (null: check off). */
export type Thresholds = Record<ThresholdName, number | null>;
export const THRESHOLD_NAMES = [...GATED_METRICS.map((g) => g.threshold), ...(Object.keys(otherThresholds) as (keyof typeof otherThresholds)[])];

/** Per-pipeline overrides: a missing key inherits the default, null switches the check off. */
export const ThresholdOverridesSchema = z.strictObject(
  Object.fromEntries(Object.entries(ThresholdsSchema.shape).map(([name, limit]) => [name, limit.unwrap().optional()])) as Record<ThresholdName, z.ZodOptional<typeof Limit>>,
);
export type ThresholdOverrides = Partial<Thresholds>;

export const GateConfigSchema = z.strictObject({
  /**
   * Fail an accuracy or freshness regression (accuracy, F1, stale, hallucination, …) only when it exceeds
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
  const overrides: ThresholdOverrides = config.thresholds.pipelines[pipeline] ?? {};
  const out: Thresholds = { ...config.thresholds.default };
  for (const name of THRESHOLD_NAMES) {
    const v = overrides[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}
