import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FinetuneSchema } from '../config/schema.js';
import { InputError } from '../util/errors.js';
import { type LockEntry, lockedEntryFor, readFinetuneLock, resolveLockedRef, writeLockEntry } from './lock.js';

const dir = mkdtempSync(join(tmpdir(), 'ragvft-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (id: string): LockEntry => ({
  provider: 'openai',
  jobId: `ftjob-${id}`,
  baseModel: 'openai:gpt-4o-mini-2024-07-18',
  fineTunedModel: `ft:gpt-4o-mini-2024-07-18:org::${id}`,
  trainedTokens: 3000,
  epochs: 3,
  datasetHash: 'a'.repeat(64),
  fileId: `file-${id}`,
  createdAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:20:00.000Z',
});
const finetune = { b: FinetuneSchema.parse({ data: 'x', provider: 'openai' }), a: FinetuneSchema.parse({ data: 'x', provider: 'openai' }), local: FinetuneSchema.parse({ data: 'x' }) };

describe('fine-tune lock file', () => {
  it('keeps entries sorted by name and reads back what it wrote', async () => {
    const path = join(dir, 'sorted.lock.json');
    await writeLockEntry(path, 'b', entry('b'));
    await writeLockEntry(path, 'a', entry('a'));
    expect(Object.keys((JSON.parse(readFileSync(path, 'utf8')) as { finetunes: object }).finetunes)).toEqual(['a', 'b']);
    expect(readFinetuneLock(path).finetunes.b).toEqual(entry('b'));
  });

  it('resolves finetune:<name> to the recorded model, and finds the entry back from the model ref', async () => {
    const path = join(dir, 'resolve.lock.json');
    await writeLockEntry(path, 'a', entry('a'));
    await writeLockEntry(path, 'local', entry('l'));
    const config = { finetune, finetuneLock: path };
    expect(resolveLockedRef('finetune:a', config)).toBe('openai:ft:gpt-4o-mini-2024-07-18:org::a');
    expect(resolveLockedRef('openai:gpt-4o-mini', config)).toBe('openai:gpt-4o-mini');
    expect(lockedEntryFor('openai:ft:gpt-4o-mini-2024-07-18:org::a', config)?.name).toBe('a');
    // A lock entry whose config entry is no provider fine-tune any more is not used.
    expect(lockedEntryFor('openai:ft:gpt-4o-mini-2024-07-18:org::l', config)).toBeNull();
    expect(() => resolveLockedRef('finetune:local', config)).toThrow(/no finetune entry "local" with a provider/);
  });

  it('a lock of the wrong shape is bad input naming the file and field', () => {
    const path = join(dir, 'bad.lock.json');
    writeFileSync(path, JSON.stringify({ version: 1, finetunes: { a: { ...entry('a'), trainedTokens: -1 } } }));
    expect(() => readFinetuneLock(path)).toThrow(InputError);
    expect(() => readFinetuneLock(path)).toThrow(/bad\.lock\.json.*finetunes\.a\.trainedTokens/);
  });
});
