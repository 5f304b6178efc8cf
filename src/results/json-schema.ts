import { z } from 'zod';
import { RESULT_SCHEMA_VERSION, ResultSchema } from './schema.js';

/** JSON Schema of the result file, for consumers outside TypeScript. Committed as result.schema.json. */
export function resultJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ResultSchema, { target: 'draft-2020-12' }),
    $id: `urn:ragvft:result:${RESULT_SCHEMA_VERSION}`,
    title: `ragvft result ${RESULT_SCHEMA_VERSION}`,
  };
}
