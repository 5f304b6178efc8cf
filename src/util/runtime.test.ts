import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runtimeWarning, SUPPORTED_NODE_MAJOR } from './runtime.js';

describe('runtimeWarning', () => {
  it('warns below the supported line only', () => {
    expect(runtimeWarning('20.20.2')).toMatch(/Node 20\.20\.2 is past end of life; ragvft supports Node >= 22/);
    expect(runtimeWarning('22.0.0')).toBeNull();
    expect(runtimeWarning('24.1.0')).toBeNull();
  });

  it('matches package.json engines', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${SUPPORTED_NODE_MAJOR}`);
  });
});
