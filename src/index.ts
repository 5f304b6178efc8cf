/**
 * The public API of ragvft (`import { defineConfig } from 'ragvft'`): package.json `exports` points
 * at its build, dist/index.js with declarations in dist/index.d.ts.
 */
import { fileURLToPath } from 'node:url';

// Config files: `export default defineConfig({...})`.
export {
  CONFIG_SCHEMA_VERSION,
  ConfigSchema,
  defineConfig,
  type Config,
  type ConfigInput,
  type FinetuneConfig,
  type HttpPipelineConfig,
  type PipelineConfig,
  type Price,
  type ProviderConfig,
  type RunPipelineConfig,
} from './config/schema.js';
// Your own pipeline's function: what it is given and what it returns.
export type { CustomRun, CustomRunInput, CustomRunOutput } from './pipelines/custom.js';

// Result files (`results/<runId>.json`): the zod schema, its types and version.
export { RecordSchema, RESULT_SCHEMA_VERSION, ResultSchema, ResultSummarySchema, type ResultRecord, type ResultSummary, type RunResult } from './results/schema.js';

/**
 * Absolute path of the result JSON Schema (for consumers outside TypeScript); also importable
 * as `ragvft/result.schema.json`.
 */
export const RESULT_JSON_SCHEMA_PATH: string = fileURLToPath(new URL('./results/result.schema.json', import.meta.url));

// Scoring one answer: the strict (SQuAD) and lenient scorers, the refusal detector, freshness labels.
export * from './scoring/index.js';
export { createJudge, JudgeConfigSchema, type Judge, type JudgeConfig, type JudgeInput, type JudgeOutcome } from './scoring/judge/index.js';

// The metric registry: every per-question figure, its eligibility, direction and aggregation.
export { aggregate, aggregateAll, GATED_METRICS, HEADLINE_METRIC, metric, METRIC_IDS, METRICS, type MetricDef, type MetricId, type MetricValue } from './metrics/registry.js';
