import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashFiles, sha256 } from './hash.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ragvft-hashfiles-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Makes the stored stamp of `path` claim `sha` and an old check time, as if hashed long ago. */
function forgeStamp(stampFile: string, path: string, sha: string, ageMs = 60_000) {
  const stamps = JSON.parse(readFileSync(stampFile, 'utf8'));
  stamps[path] = { ...stamps[path], sha256: sha, checkedAtMs: stamps[path].checkedAtMs + ageMs };
  writeFileSync(stampFile, JSON.stringify(stamps));
}

describe('hashFiles', () => {
  it('hashes files (null for a missing one) and, with a stamp file, trusts an old stamp while size, mtime, ctime and inode match', async () => {
    const file = join(dir, 'a.bin');
    const stamps = join(dir, 'stamps', 's.json');
    writeFileSync(file, 'alpha');
    const old = Date.now() - 3_600_000;
    utimesSync(file, old / 1000, old / 1000);
    const first = await hashFiles([file, join(dir, 'missing')], stamps);
    expect(first.get(file)).toEqual({ sha256: sha256('alpha'), size: 5 });
    expect(first.get(join(dir, 'missing'))).toBeNull();
    // Prove the fast path: a forged hash in a stamp that still matches the file's stat is returned.
    const ctimeAge = Date.now() - statSync(file).ctimeMs;
    forgeStamp(stamps, file, 'f'.repeat(64), Math.max(0, 2_500 - ctimeAge));
    expect((await hashFiles([file], stamps)).get(file)?.sha256).toBe('f'.repeat(64));
  });

  it('re-hashes a file rewritten with the same size and its old mtime restored (ctime changed)', async () => {
    const file = join(dir, 'a.bin');
    const stamps = join(dir, 's.json');
    writeFileSync(file, 'alpha');
    await hashFiles([file], stamps);
    forgeStamp(stamps, file, sha256('alpha'));
    const before = statSync(file);
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(file, 'omega');
    utimesSync(file, before.atime, before.mtime);
    expect((await hashFiles([file], stamps)).get(file)?.sha256).toBe(sha256('omega'));
  });

  it('does not trust a stamp taken right after the file changed (coarse file-system clocks)', async () => {
    const file = join(dir, 'a.bin');
    const stamps = join(dir, 's.json');
    writeFileSync(file, 'alpha');
    await hashFiles([file], stamps);
    forgeStamp(stamps, file, 'f'.repeat(64), 0); // stamp as taken: within 2 s of the write
    expect((await hashFiles([file], stamps)).get(file)?.sha256).toBe(sha256('alpha'));
  });
});
