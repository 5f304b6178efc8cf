import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/schema.js';
import type { Document } from '../dataset/schema.js';
import { corpusAsOf } from '../retrieval/snapshot.js';
import { resolvePipelines } from './bench.js';
import { corpusTimeline } from './timeline.js';

const docs: Document[] = [
  { id: 'mayor-v1', title: 'Mayor', text: 'Mira Tull is mayor.', validFrom: '2020-01-01', validTo: '2030-09-01' },
  { id: 'mayor-v2', title: 'Mayor', text: 'Osric Vell is mayor since the election of August.', validFrom: '2030-09-01', supersedes: 'mayor-v1' },
  { id: 'yard', title: 'Kestrel Yard', text: 'Kestrel Yard opened in 2031.', validFrom: '2031-03-03' },
  { id: 'hall', title: 'Town hall', text: 'The town hall was built in 1840.' },
];

describe('corpusAsOf (a stale index)', () => {
  it('keeps the versions valid on the date, as if nobody knew yet that they would be superseded', () => {
    const snap = corpusAsOf(docs, '2030-06-30');
    expect(snap.map((d) => d.id)).toEqual(['mayor-v1', 'hall']);
    // No validTo: a question asked in 2031 still retrieves what was true in mid-2030.
    expect(snap[0]).toEqual({ id: 'mayor-v1', title: 'Mayor', text: 'Mira Tull is mayor.', validFrom: '2020-01-01' });
    expect(corpusAsOf(docs, '2031-06-01').map((d) => d.id)).toEqual(['mayor-v2', 'yard', 'hall']);
  });
});

describe('resolvePipelines with index dates', () => {
  it('gives retrieval pipelines the --index-as-of date and adds <pipeline>@<date> for each snapshot', () => {
    const config = ConfigSchema.parse({ dataset: 'd', retrieval: { indexAsOf: '2031-01-01', indexSnapshots: ['2030-06-30'] } });
    expect(resolvePipelines(config).map((p) => [p.name, p.retrieval, p.indexAsOf])).toEqual([
      ['closed-book', false, null],
      ['rag', true, '2031-01-01'],
      ['fine-tuned', false, null],
      ['hybrid', true, '2031-01-01'],
      ['rag@2030-06-30', true, '2030-06-30'],
      ['hybrid@2030-06-30', true, '2030-06-30'],
    ]);
  });

  it('refuses a snapshot date that is not a real date', () => {
    expect(ConfigSchema.safeParse({ dataset: 'd', retrieval: { indexSnapshots: ['2030-02-30'] } }).success).toBe(false);
  });
});

describe('corpusTimeline', () => {
  it('sizes what a fine-tune at the cutoff knew and every later version by the day it became true', () => {
    const t = corpusTimeline(docs, '2030-06-30', { chunkSize: 4, chunkOverlap: 1 })!;
    // Title and text, words × 4/3: "Mayor" + 4 words, "Town hall" + 7 words; 4-word windows overlapping by 1.
    expect(t.atCutoff).toEqual({ documents: 2, tokens: Math.ceil((5 * 4) / 3) + Math.ceil((9 * 4) / 3), chunks: 1 + 2 });
    expect(t.changes.map((c) => [c.date, c.documents])).toEqual([
      ['2030-09-01', 1],
      ['2031-03-03', 1],
    ]);
    expect(corpusTimeline(docs, undefined, { chunkSize: 4, chunkOverlap: 1 })).toBeNull();
  });
});
