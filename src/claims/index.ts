export { CLAIMS, evaluateClaims } from './registry.js';
export { pipelineRoles, type PipelineRoles, type Role, type RolePipeline } from './roles.js';
export type { ClaimContext, ClaimDef, ClaimFigure, ClaimOutcome, ClaimResult, ClaimVerdict } from './types.js';
