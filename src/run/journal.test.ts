import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeRecord } from '../../test/helpers/journal-writer.js';
import { recordKey } from '../pipelines/run.js';
import type { ResultRecord } from '../results/schema.js';
import { InputError } from '../util/errors.js';
import { createJournal, listJournals, openJournal, readJournal, unknownRunError, type JournalMeta } from './journal.js';

const meta = (runId = 'r1', startedAt = '2031-01-01T00:00:00.000Z'): JournalMeta => ({
  runId,
  startedAt,
  configPath: 'ragvft.config.ts',
  configHash: 'abc',
  datasetHash: 'def',
  pipelines: ['rag', 'closed-book'],
});

/** A record whose call failed, as an outage leaves it. */
const failed = (i: number, pipeline = 'rag'): ResultRecord => ({ ...fakeRecord(i, pipeline), answer: null, correct: false, error: { kind: 'server', message: 'HTTP 503' } });
const isFailed = (r: ResultRecord) => r.error !== null;

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ragvft-journal-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('journal', () => {
  it('appends records as lines and reads them back with meta', () => {
    const dir = join(root, 'r1');
    const j = createJournal(dir, meta());
    expect(j.append(fakeRecord(0))).toBe(true);
    expect(j.append(fakeRecord(1))).toBe(true);
    expect(j.append(fakeRecord(0, 'closed-book'))).toBe(true);
    j.close();
    const lines = readFileSync(join(dir, 'records.jsonl'), 'utf8').split('\n');
    expect(lines).toHaveLength(4); // three records and the final newline
    const back = readJournal(dir);
    expect(back.meta).toMatchObject(meta());
    expect(back.records).toEqual([fakeRecord(0), fakeRecord(1), fakeRecord(0, 'closed-book')]);
  });

  it('refuses to create over an existing journal', () => {
    const dir = join(root, 'r1');
    createJournal(dir, meta()).close();
    expect(() => createJournal(dir, meta())).toThrow(/already exists.*--resume r1/);
  });

  it('drops a torn last line, cuts it off, and appends cleanly after it', () => {
    const dir = join(root, 'r1');
    const j = createJournal(dir, meta());
    j.append(fakeRecord(0));
    j.append(fakeRecord(1));
    j.close();
    const torn = JSON.stringify(fakeRecord(2));
    appendFileSync(join(dir, 'records.jsonl'), torn.slice(0, torn.length - 20));

    expect(readJournal(dir).records).toHaveLength(2);
    const resumed = openJournal(dir);
    expect(resumed.records.map((r) => r.questionId)).toEqual(['q0', 'q1']);
    expect(resumed.done.has(recordKey('q2', 'rag'))).toBe(false);
    resumed.append(fakeRecord(2));
    resumed.close();
    expect(readJournal(dir).records.map((r) => r.questionId)).toEqual(['q0', 'q1', 'q2']);
  });

  it('keeps a whole last record whose newline was lost, and ends its line', () => {
    const dir = join(root, 'r1');
    createJournal(dir, meta()).close();
    writeFileSync(join(dir, 'records.jsonl'), `${JSON.stringify(fakeRecord(0))}\n${JSON.stringify(fakeRecord(1))}`);
    const j = openJournal(dir);
    j.append(fakeRecord(2));
    j.close();
    expect(readJournal(dir).records.map((r) => r.questionId)).toEqual(['q0', 'q1', 'q2']);
  });

  it('reports a damaged line in the middle with file and line', () => {
    const dir = join(root, 'r1');
    createJournal(dir, meta()).close();
    writeFileSync(join(dir, 'records.jsonl'), `${JSON.stringify(fakeRecord(0))}\n{"questionId":\n${JSON.stringify(fakeRecord(1))}\n`);
    let err: unknown;
    try {
      openJournal(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/records\.jsonl, line 2/);
    // The failed open released its lock: a fixed journal opens.
    writeFileSync(join(dir, 'records.jsonl'), `${JSON.stringify(fakeRecord(0))}\n`);
    openJournal(dir).close();
  });

  it('several lines for a (pipeline, question): the last wins, in the place of the first, and append refuses a done pair', () => {
    const dir = join(root, 'r1');
    createJournal(dir, meta()).close();
    const first = failed(0);
    const second = { ...fakeRecord(0), answer: 'different' };
    writeFileSync(join(dir, 'records.jsonl'), [first, fakeRecord(1), second, fakeRecord(0, 'closed-book')].map((r) => JSON.stringify(r)).join('\n') + '\n');
    expect(readJournal(dir).records).toEqual([second, fakeRecord(1), fakeRecord(0, 'closed-book')]);
    const j = openJournal(dir);
    expect(j.records).toEqual([second, fakeRecord(1), fakeRecord(0, 'closed-book')]);
    expect(j.append(fakeRecord(0))).toBe(false);
    j.close();
    expect(readFileSync(join(dir, 'records.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
    // Listed by pairs, not lines.
    expect(listJournals(root).map((x) => x.records)).toEqual([3]);
  });

  it('retry: the chosen records are run again, their new line supersedes, and the pair is then done', () => {
    const dir = join(root, 'r1');
    const j = createJournal(dir, meta());
    for (const r of [fakeRecord(0), failed(1), fakeRecord(2), failed(3)]) j.append(r);
    j.close();

    const r = openJournal(dir, { retry: isFailed });
    expect([...r.retrying].sort()).toEqual([recordKey('q1', 'rag'), recordKey('q3', 'rag')]);
    expect(r.done).toEqual(new Set([recordKey('q0', 'rag'), recordKey('q2', 'rag')]));
    // Until retried, the old record stands (a stop now still writes every pair once).
    expect(r.records.map((x) => x.error?.kind ?? null)).toEqual([null, 'server', null, 'server']);
    expect(r.append(fakeRecord(0))).toBe(false);
    expect(r.append(fakeRecord(1))).toBe(true);
    expect(r.append({ ...fakeRecord(1), answer: 'again' })).toBe(false); // once per run
    expect(r.retrying).toEqual(new Set([recordKey('q3', 'rag')]));
    expect(r.records).toEqual([fakeRecord(0), fakeRecord(1), fakeRecord(2), failed(3)]);
    r.close();

    // The file was only appended to; reading it gives one record per pair, the retry's.
    expect(readFileSync(join(dir, 'records.jsonl'), 'utf8').trim().split('\n')).toHaveLength(5);
    expect(readJournal(dir).records).toEqual([fakeRecord(0), fakeRecord(1), fakeRecord(2), failed(3)]);
    const again = openJournal(dir, { retry: isFailed });
    expect([...again.retrying]).toEqual([recordKey('q3', 'rag')]);
    again.close();
  });

  it('without retry (--keep-errors) a failed record is done like any other', () => {
    const dir = join(root, 'r1');
    const j = createJournal(dir, meta());
    j.append(failed(0));
    j.close();
    const k = openJournal(dir);
    expect(k.retrying.size).toBe(0);
    expect(k.append(fakeRecord(0))).toBe(false);
    k.close();
    expect(readJournal(dir).records).toEqual([failed(0)]);
  });

  it('a retry torn by a crash leaves the failed record, retried by the next resume', () => {
    const dir = join(root, 'r1');
    const j = createJournal(dir, meta());
    j.append(fakeRecord(0));
    j.append(failed(1));
    j.close();
    const torn = JSON.stringify(fakeRecord(1));
    appendFileSync(join(dir, 'records.jsonl'), `${torn.slice(0, torn.length - 10)}`);

    expect(readJournal(dir).records).toEqual([fakeRecord(0), failed(1)]);
    const r = openJournal(dir, { retry: isFailed });
    expect([...r.retrying]).toEqual([recordKey('q1', 'rag')]);
    expect(r.append(fakeRecord(1))).toBe(true);
    r.close();
    expect(readJournal(dir).records).toEqual([fakeRecord(0), fakeRecord(1)]);
    expect(readFileSync(join(dir, 'records.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('locks against a second writer and takes over a lock whose process is gone', () => {
    const dir = join(root, 'r1');
    createJournal(dir, meta()).close();
    // Our parent is alive and is not us: its lock is honoured.
    writeFileSync(join(dir, 'lock'), String(process.ppid));
    expect(() => openJournal(dir)).toThrow(/being written by process/);
    // A pid that cannot exist: stale lock, taken over.
    writeFileSync(join(dir, 'lock'), '2147483646');
    const j = openJournal(dir);
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(String(process.pid));
    j.close();
  });

  it('redacts secrets that reach a record', async () => {
    const { registerSecret } = await import('../util/redact.js');
    registerSecret('journal-secret-value-42');
    const dir = join(root, 'r1');
    const j = createJournal(dir, meta());
    j.append({ ...fakeRecord(0), error: { kind: 'other', message: 'failed with journal-secret-value-42' }, answer: null });
    j.close();
    expect(readFileSync(join(dir, 'records.jsonl'), 'utf8')).not.toContain('journal-secret-value-42');
  });

  it('redacts what only the string form shows: a secret with a quote, a bearer token after a newline', async () => {
    const { registerSecret } = await import('../util/redact.js');
    registerSecret('quo"ted-secret-77');
    const dir = join(root, 'r1');
    const j = createJournal(dir, meta());
    const clean = fakeRecord(1);
    j.append({ ...fakeRecord(0), answer: 'echo quo"ted-secret-77 and Bearer\nabcdefghijklmnop' });
    j.append(clean);
    j.close();
    const text = readFileSync(join(dir, 'records.jsonl'), 'utf8');
    expect(text).not.toContain('ted-secret-77');
    expect(text).not.toContain('abcdefghijklmnop');
    expect(j.records[0]!.answer).toBe('echo [REDACTED] and Bearer\n[REDACTED]');
    // A record with nothing to redact is kept as is (no copy).
    expect(j.records[1]).toBe(clean);
  });

  it('lists journals newest first and names them in the unknown-run error', () => {
    createJournal(join(root, 'a'), meta('run-a', '2031-01-01T00:00:00.000Z')).close();
    const b = createJournal(join(root, 'b'), meta('run-b', '2031-02-01T00:00:00.000Z'));
    b.append(fakeRecord(0));
    b.close();
    writeFileSync(join(root, 'stray.txt'), 'not a journal');
    expect(listJournals(root).map((j) => [j.runId, j.records])).toEqual([
      ['run-b', 1],
      ['run-a', 0],
    ]);
    expect(unknownRunError('nope', root).message).toMatch(/no run "nope".*run-b \(1 records/);
    expect(listJournals(join(root, 'missing'))).toEqual([]);
  });

  it('writes each record before append returns, but fsyncs in batches off the hot path', async () => {
    const dir = join(root, 'r1');
    const j = createJournal(dir, meta(), { fsyncIntervalMs: 20, fsyncEvery: 1000 });
    for (let i = 0; i < 50; i++) j.append(fakeRecord(i));
    // Every line is in the file (page cache) at once; none was fsynced inline.
    expect(readFileSync(join(dir, 'records.jsonl'), 'utf8').split('\n').filter(Boolean)).toHaveLength(50);
    expect(j.durability()).toEqual({ written: 50, synced: 0 });
    // One batched fsync, on the timer, covers them all.
    await vi.waitFor(() => expect(j.durability().synced).toBe(50));
    j.append(fakeRecord(50));
    expect(j.durability()).toEqual({ written: 51, synced: 50 });
    // close() fsyncs the rest synchronously.
    j.close();
    expect(j.durability()).toEqual({ written: 51, synced: 51 });
    expect(readJournal(dir).records).toHaveLength(51);
  });

  it('fsyncs at once (asynchronously) when fsyncEvery records are unsynced', async () => {
    const dir = join(root, 'r1');
    const j = createJournal(dir, meta(), { fsyncIntervalMs: 60_000, fsyncEvery: 10 });
    for (let i = 0; i < 9; i++) j.append(fakeRecord(i));
    expect(j.durability().synced).toBe(0);
    j.append(fakeRecord(9));
    expect(j.durability().synced).toBe(0); // started, not awaited
    await vi.waitFor(() => expect(j.durability().synced).toBe(10));
    // A close while an fsync is in flight is safe: the final fsync covers everything.
    for (let i = 10; i < 25; i++) j.append(fakeRecord(i));
    j.close();
    expect(j.durability()).toEqual({ written: 25, synced: 25 });
    expect(() => j.append(fakeRecord(30))).toThrow(/closed/);
    await new Promise((r) => setTimeout(r, 20)); // the in-flight fsync's callback closes the fd
    const resumed = openJournal(dir);
    expect(resumed.records).toHaveLength(25);
    resumed.close();
  });

  it('with fsync off, never syncs', () => {
    const j = createJournal(join(root, 'r1'), meta(), { fsync: false });
    j.append(fakeRecord(0));
    j.close();
    expect(j.durability()).toEqual({ written: 1, synced: 0 });
  });
});
