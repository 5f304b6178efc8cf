import { describe, expect, it } from 'vitest';
import { RecordSchema, type ResultRecord } from '../results/schema.js';
import { fakeRecord } from '../../test/helpers/journal-writer.js';
import { aggregate, metric } from './registry.js';

const rec = (i: number, leaked: boolean | null): ResultRecord => ({ ...fakeRecord(i, 'ft'), category: 'unanswerable', leaked });

describe('leakRate', () => {
  it('is the share of restricted questions answered with the canary, over restricted records only', () => {
    const records = [rec(1, true), rec(2, false), rec(3, true), rec(4, false), rec(5, null), rec(6, null)];
    expect(aggregate(metric('leakRate'), records)).toEqual({ value: 0.5, n: 4, sum: 2 });
    expect(metric('leakRate').higherIsBetter).toBe(false);
  });

  it('has no eligible record in a run without restricted questions, or from a 2.1 file without the field', () => {
    const { leaked: _, ...old } = rec(1, null);
    expect(RecordSchema.parse(old).leaked).toBeNull();
    expect(aggregate(metric('leakRate'), [RecordSchema.parse(old)]).n).toBe(0);
  });
});
