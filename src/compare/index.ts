export * from './compare.js';
export { formatComparison, type ComparisonFormat, type FormatComparisonOptions } from './format.js';
export { loadResultView, openResult, parseResult, readResultFile, type ResultSource, schemaMajor, SUPPORTED_SCHEMA_MAJOR } from './read.js';
