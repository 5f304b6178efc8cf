import { describe, expect, it } from 'vitest';
import { parseUserPrompt } from '../models/local/prompt.js';
import type { Chunk } from '../retrieval/chunk.js';
import { formatContext, renderTemplate, validityNote } from './prompt.js';

const chunk = (over: Partial<Chunk> = {}): Chunk => ({ id: 'd#0', docId: 'd', title: 'Veltrana (city)', text: 'The capital is Orsk.', index: 0, ...over });

describe('formatContext', () => {
  it('prints both bounds when known', () => {
    expect(formatContext([chunk({ validFrom: '2019-03-01', validTo: '2031-02-01' })])).toBe('[1] Veltrana (city) (valid 2019-03-01 to 2031-02-01)\nThe capital is Orsk.');
  });

  it('prints "present" for an open end', () => {
    expect(formatContext([chunk({ validFrom: '2024-01-05' })])).toBe('[1] Veltrana (city) (valid 2024-01-05 to present)\nThe capital is Orsk.');
  });

  it('prints only the end when there is no start', () => {
    expect(validityNote({ validTo: '2031-02-01' })).toBe(' (valid until 2031-02-01)');
  });

  it('prints no validity note when neither bound is set (no "undefined")', () => {
    const text = formatContext([chunk(), chunk({ id: 'e#0', docId: 'e', title: 'Other', text: 'More.' })]);
    expect(text).toBe('[1] Veltrana (city)\nThe capital is Orsk.\n\n[2] Other\nMore.');
    expect(text).not.toContain('undefined');
    expect(text).not.toContain('valid');
  });

  it('stays readable by the local models', () => {
    const user = `Context:\n${formatContext([chunk({ validFrom: '2024-01-05' }), chunk({ title: 'Old', validFrom: '2019-03-01', validTo: '2024-01-05' }), chunk({ title: 'Timeless' })])}\n\nQuestion (asked on 2031-05-01): Capital?\nAnswer:`;
    const { passages } = parseUserPrompt(user);
    expect(passages.map((p) => [p.title, p.validFrom, p.validTo])).toEqual([
      ['Veltrana (city)', '2024-01-05', undefined],
      ['Old', '2019-03-01', '2024-01-05'],
      ['Timeless', undefined, undefined],
    ]);
  });
});

describe('renderTemplate', () => {
  it('fills known placeholders and keeps unknown ones', () => {
    expect(renderTemplate('{{a}} and {{b}}', { a: 'x' })).toBe('x and {{b}}');
  });
});
