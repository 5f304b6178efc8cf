import type { z } from 'zod';
import { InputError } from '../util/errors.js';
import { describeZodError, stripBom } from '../util/input.js';

export interface JsonlRow<T> {
  value: T;
  line: number;
}

/**
 * Parses and validates JSONL; a leading BOM and blank lines are skipped; the first bad line throws
 * with its line number. A whole JSON array (a common mistake) is rejected with a hint.
 */
export function parseJsonl<T>(text: string, schema: z.ZodType<T, unknown>, file: string): JsonlRow<T>[] {
  const rows: JsonlRow<T>[] = [];
  const body = stripBom(text);
  const start = body.search(/\S/);
  if (start >= 0 && body[start] === '[') {
    const line = body.slice(0, start).split('\n').length;
    throw new InputError('is a JSON array; JSONL needs one object per line (write each element on its own line, without the surrounding [ ])', { file, line });
  }
  const lines = body.split('\n');
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
