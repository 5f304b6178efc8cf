/**
 * The CI gate: compares a current run with a baseline and checks every pipeline against its
 * thresholds. Accuracy and freshness regressions fail only when they exceed their tolerance and
 * (by default) are statistically significant, so a rerun's noise does not fail a merge.
 */
import type { ResultView } from '../results/view.js';
import { type CompareOptions, type Comparison, compareRuns, type MetricComparison, type PipelineComparison } from '../compare/compare.js';
import { GATED_METRICS, type GatedThreshold, type MetricDef } from '../metrics/registry.js';
import { fmtInterval, fmtNum, pText, fmtRatio, fmtSigned } from '../stats/format.js';
import { type GateConfig, THRESHOLD_NAMES, type ThresholdName, thresholdsFor } from './config.js';

/** Check of a pipeline that the baseline had and the current run lacks. */
export const PRESENCE_CHECK = 'present';
export type CheckName = ThresholdName | typeof PRESENCE_CHECK;

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface GateCheck {
  pipeline: string;
  threshold: CheckName;
  /** The configured limit; null when the check is disabled. */
  limit: number | null;
  baseline: number | null;
  current: number | null;
  /** What is compared with the limit: a drop, a rise, a ratio or a rate. */
  observed: number | null;
  /** Whether the change is statistically significant; null for checks without a test (latency, cost, errors). */
  significant: boolean | null;
  /** Paired CI of current − baseline, where there is one. */
  ci: { lo: number; hi: number } | null;
  pValue: number | null;
  status: CheckStatus;
  passed: boolean;
  message: string;
}

export interface GateReport {
  passed: boolean;
  baseline: Comparison['a'];
  current: Comparison['b'];
  requireSignificance: boolean;
  checks: GateCheck[];
  /** Checks that failed (also in `checks`). */
  violations: GateCheck[];
  notes: string[];
  comparison: Comparison;
}

/** Float slack so a drop of exactly the limit (0.70 − 0.68) never fails on rounding. */
const EPS = 1e-9;

export function evaluateGate(baseline: ResultView, current: ResultView, config: GateConfig, opts: Omit<CompareOptions, 'force'> = {}): GateReport {
  // Incomparable runs throw InputError here: the CLI exits 2, never "pass" or "regression".
  const comparison = compareRuns(baseline, current, { ...opts, force: false });
  const checks: GateCheck[] = [];
  for (const p of comparison.pipelines) {
    const t = thresholdsFor(config, p.pipeline);
    for (const name of THRESHOLD_NAMES) checks.push(CHECKS[name](p, t[name], config));
  }
  for (const name of comparison.removed) checks.push(missingPipeline(name));

  const notes = [...comparison.notes];
  if (comparison.added.length > 0) notes.push(`New pipeline(s) without a baseline, not gated: ${comparison.added.join(', ')}.`);
  const known = new Set([...comparison.pipelines.map((p) => p.pipeline), ...comparison.removed]);
  for (const name of Object.keys(config.thresholds.pipelines)) {
    if (!known.has(name)) notes.push(`Thresholds are configured for pipeline "${name}", which is in neither run.`);
  }
  const violations = checks.filter((c) => c.status === 'fail');
  return { passed: violations.length === 0, baseline: comparison.a, current: comparison.b, requireSignificance: config.requireSignificance, checks, violations, notes, comparison };
}

type CheckFn = (p: PipelineComparison, limit: number | null, config: GateConfig) => GateCheck;

/** One check per threshold: the gated metrics of the registry, then latency, cost and errors. */
const CHECKS: Record<ThresholdName, CheckFn> = {
  ...(Object.fromEntries(GATED_METRICS.map((g) => [g.threshold, (p: PipelineComparison, limit: number | null, cfg: GateConfig) => metricCheck(p, g.threshold, g.metric, limit, cfg)])) as Record<GatedThreshold, CheckFn>),
  maxP95LatencyRatio: latencyCheck,
  maxCostRatio: costCheck,
  maxErrorRate: errorRateCheck,
};

function base(p: PipelineComparison, threshold: CheckName, limit: number | null): Omit<GateCheck, 'status' | 'passed' | 'message'> {
  return { pipeline: p.pipeline, threshold, limit, baseline: null, current: null, observed: null, significant: null, ci: null, pValue: null };
}

function done(check: Omit<GateCheck, 'status' | 'passed' | 'message'>, status: CheckStatus, message: string): GateCheck {
  return { ...check, status, passed: status !== 'fail', message: `${check.pipeline}: ${message}` };
}

function disabled(p: PipelineComparison, threshold: ThresholdName): GateCheck {
  return done(base(p, threshold, null), 'skip', `${threshold} is disabled`);
}

/** A gated metric: fails when the harmful change (a drop, or a rise for lower-is-better metrics) exceeds the limit and (by default) is significant. */
function metricCheck(p: PipelineComparison, threshold: ThresholdName, m: MetricDef, limit: number | null, cfg: GateConfig): GateCheck {
  if (limit === null) return disabled(p, threshold);
  const c = p.metrics[m.id as keyof PipelineComparison['metrics']];
  if (!c) return done(base(p, threshold, limit), 'skip', `no paired questions to compute the ${m.noun} on`);
  return changeCheck(p, threshold, m.noun, c, limit, cfg, m.higherIsBetter ? -1 : 1);
}

/**
 * `worse` is the sign of a harmful change: -1 when a fall hurts (accuracy), +1 when a rise does.
 * `observed` is the harmful amount (drop or rise), negative when the metric improved.
 */
function changeCheck(p: PipelineComparison, threshold: ThresholdName, label: string, m: MetricComparison, limit: number, cfg: GateConfig, worse: -1 | 1): GateCheck {
  // `+ 0` turns the -0 of an unchanged higher-is-better metric into 0.
  const observed = m.delta === null ? null : worse * m.delta + 0;
  const significantlyWorse = m.significant && observed !== null && observed > 0;
  const check = {
    ...base(p, threshold, limit),
    baseline: m.a,
    current: m.b,
    observed,
    significant: m.significant,
    ci: m.lo === null || m.hi === null ? null : { lo: m.lo, hi: m.hi },
    pValue: m.pValue,
  };
  if (observed === null) return done(check, 'skip', `no questions to compute ${label} on`);
  const verb = worse < 0 ? 'dropped' : 'rose';
  const numbers = `${fmtNum(m.a)} → ${fmtNum(m.b)}, ${fmtSigned(m.delta)}; 95% CI ${fmtInterval(check.ci, true)}${m.pValue !== null ? `, McNemar ${pText(m.pValue)}` : ''}; n=${m.questions}`;
  if (observed <= limit + EPS) return done(check, 'pass', `${label} ${fmtNum(m.a)} → ${fmtNum(m.b)} (${fmtSigned(m.delta)}) within ${verb === 'dropped' ? 'a drop' : 'a rise'} of ${fmtNum(limit)}`);
  if (cfg.requireSignificance && !significantlyWorse) {
    return done(check, 'pass', `${label} ${verb} by ${fmtNum(observed)} (${numbers}), over the ${fmtNum(limit)} tolerance but not statistically significant: treated as noise`);
  }
  return done(check, 'fail', `${label} ${verb} by ${fmtNum(observed)}, more than the allowed ${fmtNum(limit)} (${numbers}${significantlyWorse ? ', significant' : ', not significant'})`);
}

function latencyCheck(p: PipelineComparison, limit: number | null, cfg: GateConfig): GateCheck {
  if (limit === null) return disabled(p, 'maxP95LatencyRatio');
  const { p95, nonCachedCalls } = p.latencyMs;
  const check = { ...base(p, 'maxP95LatencyRatio', limit), baseline: p95.a, current: p95.b, observed: p95.ratio };
  const fewest = Math.min(nonCachedCalls.a, nonCachedCalls.b);
  if (fewest < cfg.minLatencySamples) {
    return done(check, 'skip', `p95 latency not compared: only ${fewest} non-cached call(s) in one run (minLatencySamples ${cfg.minLatencySamples})`);
  }
  if (p95.ratio === null) return done(check, 'skip', 'p95 latency not compared: no baseline latency');
  const numbers = `${fmtNum(p95.a, 0)} ms → ${fmtNum(p95.b, 0)} ms, ${fmtRatio(p95.ratio)}`;
  if (p95.ratio <= limit + EPS) return done(check, 'pass', `p95 latency ${numbers}, within ${fmtRatio(limit)}`);
  return done(check, 'fail', `p95 latency rose ${fmtRatio(p95.ratio)} (${fmtNum(p95.a, 0)} ms → ${fmtNum(p95.b, 0)} ms), more than the allowed ${fmtRatio(limit)}`);
}

function costCheck(p: PipelineComparison, limit: number | null): GateCheck {
  if (limit === null) return disabled(p, 'maxCostRatio');
  const c = p.costUsd.perThousandQuestions;
  const check = { ...base(p, 'maxCostRatio', limit), baseline: c.a, current: c.b, observed: c.ratio };
  if (c.a === null || c.b === null) return done(check, 'skip', 'cost not compared: a model price is unknown');
  const numbers = `$${fmtNum(c.a, 4)} → $${fmtNum(c.b, 4)} per 1k questions`;
  // Free before, paid now: an infinite ratio, which JSON cannot hold, so it is decided here.
  if (c.a === 0 && c.b > 0) return done(check, 'fail', `cost rose from nothing to $${fmtNum(c.b, 4)} per 1k questions`);
  if (c.ratio! <= limit + EPS) return done(check, 'pass', `cost ${numbers} (${fmtRatio(c.ratio)}), within ${fmtRatio(limit)}`);
  return done(check, 'fail', `cost rose ${fmtRatio(c.ratio)} (${numbers}), more than the allowed ${fmtRatio(limit)}`);
}

function errorRateCheck(p: PipelineComparison, limit: number | null): GateCheck {
  if (limit === null) return disabled(p, 'maxErrorRate');
  const m = p.metrics.errorRate ?? { a: 0, b: 0, questions: 0 };
  const check = { ...base(p, 'maxErrorRate', limit), baseline: m.a, current: m.b, observed: m.b };
  const rate = m.b ?? 0;
  const count = Math.round(rate * m.questions);
  if (rate <= limit + EPS) return done(check, 'pass', `error rate ${fmtNum(rate)} (${count} of ${m.questions}), within ${fmtNum(limit)}`);
  return done(check, 'fail', `error rate ${fmtNum(rate)} (${count} of ${m.questions} calls failed; baseline ${fmtNum(m.a)}), more than the allowed ${fmtNum(limit)}`);
}

function missingPipeline(name: string): GateCheck {
  return {
    pipeline: name,
    threshold: PRESENCE_CHECK,
    limit: null,
    baseline: null,
    current: null,
    observed: null,
    significant: null,
    ci: null,
    pValue: null,
    status: 'fail',
    passed: false,
    message: `${name}: pipeline is in the baseline but not in the current run (update the baseline if it was removed on purpose)`,
  };
}

