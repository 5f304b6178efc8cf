import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { InputError } from '../util/errors.js';
import { describeZodError } from '../util/input.js';

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
