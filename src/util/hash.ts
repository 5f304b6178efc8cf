import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './fs.js';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** JSON with sorted keys, so equal objects hash equally whatever their key order. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export function hashObject(value: unknown): string {
  return sha256(stableStringify(value));
}

// ---------------------------------------------------------------------------------------------
// File checksums with a fast path


/** sha256 of a file's bytes, streamed. */
export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * What we knew about a file when we last hashed it. The fast path trusts `sha256` while size,
 * mtime, ctime and inode are unchanged. ctime cannot be set from user space (cp -p, touch -r and
 * utimes all bump it), so a replaced or rewritten file is re-hashed even when its size and mtime
 * were preserved. A stamp taken within RACY_MS of the file's last change is not trusted (as git's
 * "racily clean" rule): file-system clocks are coarse, so a write right after the stamp could
 * leave every field unchanged.
 */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  sha256: string;
  /** When the stat behind this stamp was taken (Date.now()). */
  checkedAtMs: number;
}

const RACY_MS = 2_000;

function fastPathHolds(s: FileStamp, st: { size: number; mtimeMs: number; ctimeMs: number; ino: number }): boolean {
  return (
    s.size === st.size &&
    s.mtimeMs === st.mtimeMs &&
    s.ctimeMs === st.ctimeMs &&
    s.ino === st.ino &&
    Math.max(s.ctimeMs, s.mtimeMs) <= s.checkedAtMs - RACY_MS
  );
}

/**
 * sha256 of each file (null when it does not exist), using and refreshing the stamps kept in
 * `stampFile` (a JSON cache keyed by absolute path; optional: without it every file is hashed).
 * The stamp file is only a cache of hashes: losing or damaging it costs a re-hash, never a wrong
 * answer, because a stamp is used only when the file's stat still matches it.
 */
export async function hashFiles(paths: readonly string[], stampFile?: string): Promise<Map<string, { sha256: string; size: number } | null>> {
  let stamps: Record<string, FileStamp> = {};
  if (stampFile) {
    try {
      const json = JSON.parse(await readFile(stampFile, 'utf8')) as unknown;
      if (json && typeof json === 'object' && !Array.isArray(json)) stamps = json as Record<string, FileStamp>;
    } catch {
      /* no stamps yet, or damaged: hash everything */
    }
  }
  const out = new Map<string, { sha256: string; size: number } | null>();
  let changed = false;
  for (const path of paths) {
    const before = await stat(path).catch(() => undefined);
    if (!before || !before.isFile()) {
      out.set(path, null);
      continue;
    }
    const known = stamps[path];
    if (known && typeof known.sha256 === 'string' && fastPathHolds(known, before)) {
      out.set(path, { sha256: known.sha256, size: before.size });
      continue;
    }
    const checkedAtMs = Date.now();
    const sha = await sha256File(path);
    out.set(path, { sha256: sha, size: before.size });
    const after = await stat(path).catch(() => undefined);
    // Changed while we read it: the hash is of a mix, so it is returned (it will mismatch) but not remembered.
    if (after && after.size === before.size && after.mtimeMs === before.mtimeMs && after.ctimeMs === before.ctimeMs && after.ino === before.ino) {
      stamps[path] = { size: before.size, mtimeMs: before.mtimeMs, ctimeMs: before.ctimeMs, ino: before.ino, sha256: sha, checkedAtMs };
      changed = true;
    } else if (stamps[path]) {
      delete stamps[path];
      changed = true;
    }
  }
  // Best effort: a failed write only means hashing again next time.
  if (stampFile && changed) await writeFileAtomic(stampFile, JSON.stringify(stamps)).catch(() => {});
  return out;
}

/** The stamp file (for hashFiles) of one folder's files, under `stampDir`. */
export function stampFileFor(stampDir: string, folder: string): string {
  return join(stampDir, `${sha256(folder).slice(0, 16)}.json`);
}
