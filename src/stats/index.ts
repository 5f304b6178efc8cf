export * from './bootstrap.js';
export * from './mcnemar.js';
export * from './rng.js';
export * from './schema.js';
export { computeRunStatistics, type RunStatisticsOptions } from './run-statistics.js';
export { formatStatisticsTable } from './table.js';
