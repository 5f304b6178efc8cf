import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMAS, resultJsonSchema } from './json-schema.js';
import { ResultSchema } from './schema.js';

describe('result JSON Schema', () => {
  it.each(Object.keys(JSON_SCHEMAS))('the committed %s matches the zod schema (run `npm run schema` after a change)', (name) => {
    const committed = JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON_SCHEMAS[name]!());
  });
  it('describes the required top-level fields', () => {
    const s = resultJsonSchema() as { required: string[]; properties: Record<string, unknown> };
    expect(s.required).toEqual(expect.arrayContaining(['schemaVersion', 'run', 'pipelines', 'records']));
  });
});

describe('result schema 2.0 stays readable under 2.1', () => {
  it('a 2.0 result (the committed baseline with every 2.1 field removed) parses, with those fields null or empty', () => {
    const raw = JSON.parse(readFileSync('results/baseline/aurelia-offline.json', 'utf8')) as { schemaVersion: string; run: Record<string, unknown>; pipelines: Record<string, unknown>[]; records: Record<string, unknown>[] };
    raw.schemaVersion = '2.0';
    for (const k of ['indexAsOf', 'corpusTimeline', 'finetunes']) delete raw.run[k];
    for (const p of raw.pipelines) {
      delete p.indexAsOf;
      delete (p.summary as Record<string, unknown>).cachedEmbeddings;
    }
    for (const r of raw.records) {
      for (const k of ['answerInContext', 'embedCached', 'asOf']) delete r[k];
      if (r.retrieval) delete (r.retrieval as Record<string, unknown>).chunkRecall;
    }
    const parsed = ResultSchema.parse(raw);
    expect(parsed.records.every((r) => r.answerInContext === null && r.embedCached === null && r.asOf === null && (r.retrieval === null || r.retrieval.chunkRecall === null))).toBe(true);
    expect(parsed.run).toMatchObject({ indexAsOf: null, corpusTimeline: null, finetunes: {} });
    expect(parsed.pipelines.every((p) => p.indexAsOf === null && p.summary.cachedEmbeddings === 0)).toBe(true);
  });

  it('the JSON Schema accepts a 2.0 file: fields added in 2.1 are optional there', () => {
    const s = resultJsonSchema() as { $defs?: unknown; properties: { records: { items: { required: string[] } } } };
    const required = s.properties.records.items.required;
    expect(required).toContain('questionId');
    for (const added of ['embedCached', 'answerInContext', 'asOf']) expect(required).not.toContain(added);
  });
});
