import { accessSync, constants, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError } from './errors.js';

/**
 * Write via a temp file and rename, so readers never see a half-written file. On failure (full
 * disk, no permission) the temp file is removed and the error names the path.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw new Error(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/**
 * Checks, before any work, that `dir` is (or can be created as) a writable folder: a run must not
 * answer every question and then fail to write its result. Nothing is created.
 */
export function assertWritableDir(dir: string, what: string): void {
  let p = resolve(dir);
  for (;;) {
    let isDir: boolean | null = null;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      /* does not exist yet: check its parent */
    }
    if (isDir === false) throw new InputError(`${what} ${p} is a file, not a folder; choose another path`);
    if (isDir) {
      try {
        accessSync(p, constants.W_OK | constants.X_OK);
      } catch {
        throw new InputError(`${what} ${p} is not writable; fix its permissions or choose another path`);
      }
      return;
    }
    const parent = dirname(p);
    if (parent === p) return;
    p = parent;
  }
}
