import { describe, expect, it } from 'vitest';
import { registerSecret } from './redact.js';
import { guardOutput, plainText } from './terminal.js';

describe('plainText', () => {
  it.each([
    ['colour', 'a\u001b[31mred\u001b[0m b', 'ared b'],
    ['clear screen and cursor moves', '\u001b[2J\u001b[1;1Hx\u001b[3A', 'x'],
    ['window title (OSC, BEL)', '\u001b]0;pwned\u0007ok', 'ok'],
    ['hyperlink (OSC, ST)', '\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\', 'link'],
    ['bell, backspace, C1 CSI', 'a\u0007b\u0008c\u009b2Jd', 'abc2Jd'],
    ['a lone ESC', 'a\u001bb', 'ab'],
  ])('removes %s', (_name, input, out) => {
    expect(plainText(input)).toBe(out);
  });

  it('keeps newlines, tabs, carriage returns, erase-line and ordinary Unicode', () => {
    expect(plainText('a\tb\nc\r\u001b[Kd — Hervé ✓')).toBe('a\tb\nc\r\u001b[Kd — Hervé ✓');
  });
});

describe('guardOutput', () => {
  it('redacts registered secrets of any length, longest first, and strips escapes', () => {
    registerSecret('ab1');
    registerSecret('ab1-long-secret');
    expect(guardOutput('key ab1-long-secret and ab1 \u001b[31m!')).toBe('key [REDACTED] and [REDACTED] !');
  });
});
