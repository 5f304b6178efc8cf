import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openInitJournal } from './journal.js';

const gen = (key: string) => ({ type: 'generated' as const, key, items: [{ question: `q of ${key}` }], usage: null });

describe('init journal', () => {
  it('keeps what was appended across opens and cuts a torn last line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-init-journal-'));
    const j = openInitJournal(dir);
    j.append(gen('a|static'));
    j.append({ type: 'checked', key: 'a|static|0', verdict: { answerable: true, ambiguous: false, reason: 'ok' }, usage: { input: 3, output: 2 } });
    appendFileSync(j.file, '{"type":"generated","key":"b|new","ite'); // killed mid-write
    const again = openInitJournal(dir);
    expect([...again.generated.keys()]).toEqual(['a|static']);
    expect(again.checked.get('a|static|0')?.verdict?.answerable).toBe(true);
    expect(readFileSync(j.file, 'utf8').endsWith('}\n')).toBe(true);
    again.append(gen('b|new'));
    expect([...openInitJournal(dir).generated.keys()]).toEqual(['a|static', 'b|new']);
  });

  it('reports damage before the last line instead of skipping it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-init-journal-'));
    writeFileSync(join(dir, 'journal.jsonl'), `not json\n${JSON.stringify(gen('a|static'))}\n`);
    expect(() => openInitJournal(dir)).toThrow(/damaged journal line 1/);
  });
});
