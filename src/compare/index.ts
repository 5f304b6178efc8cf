export * from './compare.js';
export { formatComparison, type ComparisonFormat, type FormatComparisonOptions } from './format.js';
export { parseResult, readResultFile, schemaMajor, SUPPORTED_SCHEMA_MAJOR } from './read.js';
