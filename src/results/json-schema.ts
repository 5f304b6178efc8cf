import { z } from 'zod';
import { RESULT_SCHEMA_VERSION, ResultSchema } from './schema.js';

/** JSON Schema of the result file, for consumers outside TypeScript. Committed as result.schema.json. */
export function resultJsonSchema(): Record<string, unknown> {
  return {
    // 'input': fields added in a minor version carry defaults and are optional here, so files of
    // earlier 2.x versions validate too.
    ...z.toJSONSchema(ResultSchema, { target: 'draft-2020-12', io: 'input' }),
    $id: `urn:ragvft:result:${RESULT_SCHEMA_VERSION}`,
    title: `ragvft result ${RESULT_SCHEMA_VERSION}`,
  };
}
