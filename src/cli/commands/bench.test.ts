import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/load.js';
import { resumeCommand } from './bench.js';

describe('resumeCommand', () => {
  it('keeps the config, output folder and cache choice of the interrupted run', () => {
    expect(resumeCommand({ config: DEFAULT_CONFIG, cache: true }, 'r1')).toBe('npm run bench -- --resume r1');
    expect(resumeCommand({ config: 'my.config.json', outDir: 'out', cache: false }, 'r2')).toBe('npm run bench -- --config my.config.json --out-dir out --no-cache --resume r2');
    expect(resumeCommand({ config: DEFAULT_CONFIG, cache: true, indexAsOf: '2030-06-30' }, 'r3')).toBe('npm run bench -- --index-as-of 2030-06-30 --resume r3');
  });
});
