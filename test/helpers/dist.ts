import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The `ragvft` bin as package.json declares it (what npx and a global install run). */
export const BIN = join(ROOT, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { ragvft: string } }).bin.ragvft);

/**
 * Brings dist/ up to date with the sources (`npm run build`: incremental, a no-op when nothing
 * changed), so tests of the built CLI and package never run a stale build.
 */
export function buildDist(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
