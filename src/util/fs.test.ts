import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { assertWritableDir, writeFileAtomic } from './fs.js';

describe('writeFileAtomic', () => {
  it('names the path on failure and leaves no temp file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-fs-'));
    writeFileSync(join(dir, 'blocker'), 'x');
    await expect(writeFileAtomic(join(dir, 'blocker', 'out.json'), '{}')).rejects.toThrow(/cannot write .*blocker\/out\.json: (ENOTDIR|EEXIST)/);
    const target = join(dir, 'out.json');
    await writeFileAtomic(target, '{}');
    // A directory in the way of the rename: the temp file written beside it is removed.
    await expect(writeFileAtomic(dir, '{}')).rejects.toThrow(/cannot write/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('assertWritableDir', () => {
  it('accepts a folder or a path that can be created, refuses a file in the way', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-fs-'));
    expect(() => assertWritableDir(dir, 'out')).not.toThrow();
    expect(() => assertWritableDir(join(dir, 'a', 'b'), 'out')).not.toThrow();
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => assertWritableDir(join(dir, 'file'), 'the results folder')).toThrow(InputError);
    expect(() => assertWritableDir(join(dir, 'file', 'sub'), 'the results folder')).toThrow(/is a file, not a folder/);
    // Nothing was created.
    expect(readdirSync(dir)).toEqual(['file']);
  });
});
