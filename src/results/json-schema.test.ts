import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resultJsonSchema } from './json-schema.js';
import { ResultSchema } from './schema.js';

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

describe('result schema 2.0 stays readable under 2.1', () => {
  it('the committed baseline (written before answerInContext and chunkRecall) parses, with those fields null', () => {
    const raw = JSON.parse(readFileSync('results/baseline/aurelia-offline.json', 'utf8')) as { records: Record<string, unknown>[] };
    expect(raw.records.some((r) => 'answerInContext' in r)).toBe(false);
    const parsed = ResultSchema.parse(raw);
    expect(parsed.records.every((r) => r.answerInContext === null && (r.retrieval === null || r.retrieval.chunkRecall === null))).toBe(true);
  });

  it('the JSON Schema accepts a 2.0 file: fields added in 2.1 are optional there', () => {
    const s = resultJsonSchema() as { $defs?: unknown; properties: { records: { items: { required: string[] } } } };
    const required = s.properties.records.items.required;
    expect(required).toContain('questionId');
    for (const added of ['embedCached', 'answerInContext', 'asOf']) expect(required).not.toContain(added);
  });
});
