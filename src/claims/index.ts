export { CLAIMS, evaluateClaims } from './registry.js';
export { pipelineRoles, type PipelineRoles, type Role, type RolePipeline } from './roles.js';
export type { ClaimContext, ClaimDef, ClaimFigure, ClaimOutcome, ClaimResult, ClaimVerdict } from './types.js';
export { buildRunReport, type RunReport } from './report.js';
export { freshnessOverTime, monthBucket, type FreshnessOverTime } from './freshness/over-time.js';
export { keepFreshCosts, type KeepFresh, type KeepFreshRow } from './freshness/keep-fresh.js';
