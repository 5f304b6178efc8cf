import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { InputError } from '../util/errors.js';

/** Reads a file, turning "not found" into an InputError that names it. */
export async function readInputFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read file (${code})`, { file: path });
  }
}

/** First zod issue as a field path and message. */
export function describeZodError(err: z.ZodError): { field?: string; message: string } {
  const issue = err.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : undefined;
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) message = 'is missing';
  return { field, message };
}

export interface JsonlRow<T> {
  value: T;
  line: number;
}

/** Parses and validates JSONL; blank lines are skipped; the first bad line throws with its line number. */
export function parseJsonl<T>(text: string, schema: z.ZodType<T>, file: string): JsonlRow<T>[] {
  const rows: JsonlRow<T>[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw) continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      throw new InputError(`malformed JSON (${(e as Error).message})`, { file, line: i + 1 });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const { field, message } = describeZodError(parsed.error);
      throw new InputError(message, { file, line: i + 1, field });
    }
    rows.push({ value: parsed.data, line: i + 1 });
  }
  return rows;
}
