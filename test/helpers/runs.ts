import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The single run journal under `<cacheDir>/runs`, once its records.jsonl has at least `min` complete lines. */
export function journalWith(cacheDir: string, min: number): { runId: string; dir: string } | null {
  const root = join(cacheDir, 'runs');
  if (!existsSync(root)) return null;
  const runs = readdirSync(root);
  if (runs.length !== 1) return null;
  const file = join(root, runs[0]!, 'records.jsonl');
  if (!existsSync(file)) return null;
  const complete = readFileSync(file, 'utf8').split('\n').slice(0, -1).length; // lines ended by \n
  return complete >= min ? { runId: runs[0]!, dir: join(root, runs[0]!) } : null;
}
