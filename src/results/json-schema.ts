import { z } from 'zod';
import { RecordSchema, RESULT_SCHEMA_VERSION, ResultSchema, ResultSummarySchema } from './schema.js';

// 'input': fields added in a minor version carry defaults and are optional here, so files of
// earlier 2.x versions validate too.
function toJsonSchema(schema: z.ZodType, id: string, title: string): Record<string, unknown> {
  return { ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }), $id: `urn:ragvft:${id}:${RESULT_SCHEMA_VERSION}`, title: `ragvft ${title} ${RESULT_SCHEMA_VERSION}` };
}

/** JSON Schema of the single-file result, for consumers outside TypeScript. Committed as result.schema.json. */
export function resultJsonSchema(): Record<string, unknown> {
  return toJsonSchema(ResultSchema, 'result', 'result');
}

/**
 * Every committed JSON Schema, by file name: the single-file result, and the two files of the
 * streaming layout (the summary document, and one line of its records file).
 */
export const JSON_SCHEMAS: Record<string, () => Record<string, unknown>> = {
  'result.schema.json': resultJsonSchema,
  'result-summary.schema.json': () => toJsonSchema(ResultSummarySchema, 'result-summary', 'result summary (streaming layout)'),
  'record.schema.json': () => toJsonSchema(RecordSchema, 'record', 'result record (one line of <name>.records.jsonl)'),
};
