/**
 * Journal of an init run, so a killed or failed run continues where it stopped: every generation
 * (per unit key, `<version id>|<kind>`) and every check (per candidate) is appended as one JSON
 * line with a single synchronous write as it completes. On open, a torn last line (a crash in
 * mid-write) is cut off; any other bad line is reported. The folder is named by a hash of
 * everything that decides the answers (documents, cutoff, model, prompts, items per unit), so a
 * changed input starts afresh instead of reusing answers to other prompts. A reply that was not
 * the JSON asked for is journaled as `null` (a rejection, not a failure to retry).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import { CheckSchema } from './generate.js';

const UsageSchema = z.object({ input: z.number(), output: z.number() }).nullable();
const EntrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('generated'), key: z.string(), items: z.array(z.looseObject({ question: z.string() })).nullable(), usage: UsageSchema }),
  z.object({ type: z.literal('checked'), key: z.string(), verdict: CheckSchema.nullable(), usage: UsageSchema }),
]);
export type JournalEntry = z.infer<typeof EntrySchema>;

export interface InitJournal {
  readonly file: string;
  generated: Map<string, Extract<JournalEntry, { type: 'generated' }>>;
  checked: Map<string, Extract<JournalEntry, { type: 'checked' }>>;
  append(entry: JournalEntry): void;
}

export function openInitJournal(dir: string): InitJournal {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'journal.jsonl');
  const generated: InitJournal['generated'] = new Map();
  const checked: InitJournal['checked'] = new Map();
  const add = (e: JournalEntry) => (e.type === 'generated' ? generated.set(e.key, e) : checked.set(e.key, e));
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    let offset = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const last = i === lines.length - 1 || (i === lines.length - 2 && lines[i + 1] === '');
      if (line.trim()) {
        let parsed: ReturnType<typeof EntrySchema.safeParse> | null = null;
        try {
          parsed = EntrySchema.safeParse(JSON.parse(line));
        } catch {
          /* torn or damaged: decided below */
        }
        if (!parsed?.success) {
          if (!last) throw new InputError(`damaged journal line ${i + 1}; delete the file to start the generation over`, { file });
          truncateSync(file, Buffer.byteLength(text.slice(0, offset)));
          break;
        }
        add(parsed.data);
      }
      offset += line.length + 1;
    }
  }
  return {
    file,
    generated,
    checked,
    append(entry) {
      appendFileSync(file, `${JSON.stringify(entry)}\n`);
      add(entry);
    },
  };
}
