import { describe, expect, it } from 'vitest';
import { parseCitations } from './parse.js';

const shown = ['city-badan', 'river-badan.v2', 'wiki:Paris/v1'];
const known = new Set([...shown, 'ship-badan', 'Org_X']);
const ctx = { shown, known };

// [model output, answer left to score, cited ids]
const CASES: [string, string, string[]][] = [
  ['Orsk\nSources: [city-badan]', 'Orsk', ['city-badan']],
  ['Orsk\nSources: [city-badan, river-badan.v2]', 'Orsk', ['city-badan', 'river-badan.v2']],
  ['Orsk\nSources: [city-badan][river-badan.v2]', 'Orsk', ['city-badan', 'river-badan.v2']],
  ['Orsk (city-badan)', 'Orsk', ['city-badan']],
  ['Orsk\nSources: city-badan, river-badan.v2', 'Orsk', ['city-badan', 'river-badan.v2']],
  ['Orsk. Source: city-badan and river-badan.v2.', 'Orsk.', ['city-badan', 'river-badan.v2']],
  ['Orsk\nSources: [Badan](city-badan)', 'Orsk', ['city-badan']],
  ['Orsk\nSources: [city-badan](https://example.org/docs/city-badan)', 'Orsk', ['city-badan']],
  ['Orsk[^city-badan]', 'Orsk', ['city-badan']],
  ['Orsk\nSources:\n1. city-badan\n2. river-badan.v2', 'Orsk', ['city-badan', 'river-badan.v2']],
  ['Orsk\nSources:\n- city-badan\n- ship-badan', 'Orsk', ['city-badan', 'ship-badan']],
  ['Orsk 【city-badan】【river-badan.v2】', 'Orsk', ['city-badan', 'river-badan.v2']],
  ['Orsk\nSources: "city-badan", \'river-badan.v2\', `ship-badan`', 'Orsk', ['city-badan', 'river-badan.v2', 'ship-badan']],
  ['Paris\nSources: [wiki:Paris/v1]', 'Paris', ['wiki:Paris/v1']],
  ['Orsk\nSOURCES: [CITY-BADAN]; [Org_x].', 'Orsk', ['city-badan', 'Org_X']],
  ['Orsk [city-badan]\nSources: city-badan, [city-badan]', 'Orsk', ['city-badan']],
  // A real corpus id that was not retrieved, and invented ones: kept, to be counted as fabricated.
  ['Orsk\nSources: [ship-badan], [doc-9999], xq7-zz', 'Orsk', ['ship-badan', 'doc-9999', 'xq7-zz']],
  // Malformed markers.
  ['Orsk\nSources: [city-badan', 'Orsk', ['city-badan']],
  ['Orsk []', 'Orsk', []],
  ['Orsk\nSources: [ ]', 'Orsk', []],
  ['Orsk [city-badan', 'Orsk [city-badan', []],
  // Brackets that are not ids stay prose.
  ['Orsk [sic] (city)', 'Orsk [sic] (city)', []],
  ['Founded in 1950 (1950) [1950]', 'Founded in 1950 (1950) [1950]', []],
  // Numbered references: the n-th passage shown; a number beyond them is fabricated.
  ['Orsk [2]', 'Orsk', ['river-badan.v2']],
  ['Orsk\nSources: [1], [3], [7]', 'Orsk', ['city-badan', 'wiki:Paris/v1', '#7']],
  // Nothing cited.
  ["I don't know\nSources: none", "I don't know", []],
  ['Orsk\nSources: n/a', 'Orsk', []],
  ['Orsk\nSources: the context above', 'Orsk', []],
  ['Orsk', 'Orsk', []],
  ['Orsk\n**Sources:** [city-badan]', 'Orsk', ['city-badan']],
  ['Orsk (source: city-badan)', 'Orsk', ['city-badan']],
  ['Orsk\nReferences： city-badan | ship-badan', 'Orsk', ['city-badan', 'ship-badan']],
  ['Orsk\nSources: https://example.org/wiki/city-badan, #2', 'Orsk', ['city-badan', 'river-badan.v2']],
  // A label word inside a sentence is prose.
  ['It is open source: free to use', 'It is open source: free to use', []],
];

describe('parseCitations', () => {
  it.each(CASES)('%j', (text, answer, citations) => {
    expect(parseCitations(text, ctx)).toEqual({ answer, citations });
  });

  it('without passages shown, a numbered reference after a label is fabricated and an inline one is prose', () => {
    expect(parseCitations('Orsk [1]\nSources: [2]', { shown: [], known })).toEqual({ answer: 'Orsk [1]', citations: ['#2'] });
  });

  it('inline, an id-shaped token that is no corpus id is prose; after a label it is a citation', () => {
    expect(parseCitations('Orsk [doc-77]', ctx).citations).toEqual([]);
    expect(parseCitations('Orsk\nSources: doc-77', ctx).citations).toEqual(['doc-77']);
  });
});
