import { describe, expect, it } from 'vitest';
import { type FreshnessInput, freshnessLabel } from './freshness.js';

const o = (p: Partial<FreshnessInput>): FreshnessInput => ({ error: false, abstained: false, correct: false, matchesStale: false, ...p });

describe('freshnessLabel', () => {
  it('is null for static and unanswerable questions', () => {
    expect(freshnessLabel('static', o({ correct: true }))).toBeNull();
    expect(freshnessLabel('unanswerable', o({ abstained: true }))).toBeNull();
  });
  it.each([
    ['updated', o({ error: true, correct: true }), 'error'],
    ['updated', o({ correct: true }), 'current'],
    ['updated', o({ matchesStale: true }), 'stale'],
    ['updated', o({ matchesStale: true, abstained: true }), 'stale'],
    ['updated', o({ abstained: true }), 'missing'],
    ['updated', o({}), 'wrong'],
    ['new', o({ error: true }), 'error'],
    ['new', o({ correct: true }), 'current'],
    ['new', o({ matchesStale: true }), 'wrong'],
    ['new', o({ matchesStale: true, abstained: true }), 'missing'],
    ['new', o({ abstained: true }), 'missing'],
    ['new', o({}), 'wrong'],
  ] as const)('%s %j → %s', (category, input, expected) => {
    expect(freshnessLabel(category, input)).toBe(expected);
  });
});
