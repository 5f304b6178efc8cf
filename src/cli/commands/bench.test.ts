import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/load.js';
import { resumeCommand } from './bench.js';

const plain = { config: DEFAULT_CONFIG, cache: true, preflight: true };

describe('resumeCommand', () => {
  it('keeps the config, output folder and cache choice of the interrupted run', () => {
    expect(resumeCommand(plain, 'r1')).toBe('npm run bench -- --resume r1');
    expect(resumeCommand({ ...plain, config: 'my.config.json', outDir: 'out', cache: false }, 'r2')).toBe('npm run bench -- --config my.config.json --out-dir out --no-cache --resume r2');
  });

  it('keeps --no-preflight, --max-error-rate and --keep-errors', () => {
    expect(resumeCommand({ ...plain, preflight: false, maxErrorRate: '0.5', keepErrors: true }, 'r3')).toBe('npm run bench -- --no-preflight --max-error-rate 0.5 --resume r3 --keep-errors');
  });

  it('quotes paths a shell would split', () => {
    expect(resumeCommand({ ...plain, config: "/tmp/my runs/it's.json", outDir: 'a b' }, 'r4')).toBe(`npm run bench -- --config '/tmp/my runs/it'\\''s.json' --out-dir 'a b' --resume r4`);
  });

  it('keeps --index-as-of', () => {
    expect(resumeCommand({ ...plain, indexAsOf: '2030-06-30' }, 'r5')).toBe('npm run bench -- --index-as-of 2030-06-30 --resume r5');
  });
});

describe('resumeCommand and result files', () => {
  it('keeps a forced --layout; --shard is the journal\'s', () => {
    expect(resumeCommand({ ...plain, layout: 'jsonl' }, 'r6')).toBe('npm run bench -- --layout jsonl --resume r6');
    expect(resumeCommand({ ...plain, layout: 'auto' }, 'r7')).toBe('npm run bench -- --resume r7');
  });
});
