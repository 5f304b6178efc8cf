import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resultJsonSchema } from './json-schema.js';

describe('result JSON Schema', () => {
  it('the committed result.schema.json matches the zod schema (run `npm run schema` after a change)', () => {
    const committed = JSON.parse(readFileSync(new URL('./result.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(resultJsonSchema());
  });
  it('describes the required top-level fields', () => {
    const s = resultJsonSchema() as { required: string[]; properties: Record<string, unknown> };
    expect(s.required).toEqual(expect.arrayContaining(['schemaVersion', 'run', 'pipelines', 'records']));
  });
});
