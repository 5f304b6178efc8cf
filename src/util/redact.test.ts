import { describe, expect, it } from 'vitest';
import { redactDeep, registerSecret } from './redact.js';

describe('redactDeep', () => {
  it('redacts string values of any length but never field names (a short key must not make a record unreadable)', () => {
    registerSecret('tok');
    const out = redactDeep({ tokens: { input: 1 }, answer: 'the key is tok', list: ['tok', 2] });
    expect(out).toEqual({ tokens: { input: 1 }, answer: 'the key is [REDACTED]', list: ['[REDACTED]', 2] });
  });
});
