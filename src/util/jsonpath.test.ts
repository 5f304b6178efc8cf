import { describe, expect, it } from 'vitest';
import { isMultiPath, parseJsonPath, selectJsonPath } from './jsonpath.js';

const reply = { answer: 'slate', sources: [{ id: 'd1' }, { id: 'd2' }], usage: { prompt_tokens: 12 }, 'odd key': [5, 6], empty: [] };
const select = (path: string) => selectJsonPath(parseJsonPath(path), reply);

describe('JSONPath subset', () => {
  it('selects fields, indexes, quoted keys and wildcards', () => {
    expect(select('$.answer')).toEqual(['slate']);
    expect(select('$.sources[*].id')).toEqual(['d1', 'd2']);
    expect(select('$.sources[1].id')).toEqual(['d2']);
    expect(select("$['odd key'][0]")).toEqual([5]);
    expect(select('$.usage.*')).toEqual([12]);
    expect(select('$.empty[*].id')).toEqual([]);
    expect(select('$')).toEqual([reply]);
    expect(isMultiPath(parseJsonPath('$.sources[*].id'))).toBe(true);
    expect(isMultiPath(parseJsonPath('$.sources[0].id'))).toBe(false);
  });

  it('is undefined when a step finds nothing', () => {
    for (const p of ['$.missing', '$.sources[2].id', '$.sources[*].name', '$.answer.length', '$.usage[0]']) expect(select(p), p).toBeUndefined();
  });

  it('refuses what it does not support, saying where', () => {
    expect(() => parseJsonPath('answer')).toThrow(/must start with \$/);
    expect(() => parseJsonPath('$.sources[?(@.id)]')).toThrow(/at "\[\?\(@\.id\)\]"/);
    expect(() => parseJsonPath('$..id')).toThrow(/expected a field name/);
  });
});
