import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import { redactDeep } from '../util/redact.js';
import { type RunResult, ResultSchema } from './schema.js';

/**
 * Validates and writes `<outDir>/<run id>.json` and `<outDir>/latest.json`, each atomically.
 * An invalid result is a harness bug: it throws before anything is written. Every string is
 * redacted first: answers and server messages are untrusted text.
 */
export async function writeResult(result: RunResult, outDir: string): Promise<string> {
  const valid = ResultSchema.parse(redactDeep(result));
  const json = `${JSON.stringify(valid, null, 2)}\n`;
  const path = join(outDir, `${valid.run.id}.json`);
  await writeFileAtomic(path, json);
  await writeFileAtomic(join(outDir, 'latest.json'), json);
  return path;
}
