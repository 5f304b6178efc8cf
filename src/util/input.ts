import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { InputError } from './errors.js';

/** Drops a leading UTF-8 byte order mark (editors on Windows add one; JSON.parse rejects it). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads a file (a leading UTF-8 BOM is dropped), turning "not found" into an InputError that names it. */
export async function readInputFile(path: string): Promise<string> {
  try {
    return stripBom(await readFile(path, 'utf8'));
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

/** Parses JSON read from `file` (a leading BOM is accepted); malformed -> InputError naming the file. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(stripBom(text)) as unknown;
  } catch (e) {
    throw new InputError(`malformed JSON (${(e as Error).message})`, { file });
  }
}

/** Reads and parses a JSON file; not found or malformed -> InputError naming the file. */
export async function readJsonFile(path: string): Promise<unknown> {
  return parseJsonText(await readInputFile(path), path);
}
