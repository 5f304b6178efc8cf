import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTinyDataset } from '../../test/helpers/tiny-dataset.js';
import { InputError } from '../util/errors.js';
import { isValidOn, loadDataset, loadFinetuneData } from './load.js';

/** Rewrites line `n` (1-based) of a JSONL file in the dataset. */
function editLine(dir: string, file: string, n: number, edit: (obj: Record<string, unknown>) => unknown) {
  const path = join(dir, file);
  const lines = readFileSync(path, 'utf8').split('\n');
  lines[n - 1] = JSON.stringify(edit(JSON.parse(lines[n - 1]!)));
  writeFileSync(path, lines.join('\n'));
}

async function loadError(dir: string): Promise<InputError> {
  const err = await loadDataset(dir).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('loadDataset', () => {
  it('loads a valid dataset and hashes it', async () => {
    const ds = await loadDataset(writeTinyDataset());
    expect(ds.documents).toHaveLength(4);
    expect(ds.questions).toHaveLength(5);
    expect(ds.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await loadDataset(writeTinyDataset())).hash).toBe(ds.hash);
  });

  it('names file, line and field for a malformed JSONL line', async () => {
    const dir = writeTinyDataset();
    const path = join(dir, 'questions.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[2] = '{"id": "q3", oops';
    writeFileSync(path, lines.join('\n'));
    const err = await loadError(dir);
    expect(err.message).toContain('questions.jsonl, line 3');
    expect(err.message).toContain('malformed JSON');
  });

  it.each([
    // asOf is optional now (no asOf: no temporal filtering), so the missing field is the question text.
    ['a missing field', (q: Record<string, unknown>) => ({ ...q, question: undefined }), 'field "question": is missing'],
    ['an unknown field', (q: Record<string, unknown>) => ({ ...q, colour: 'red' }), 'unknown field(s) "colour"'],
    ['a bad date', (q: Record<string, unknown>) => ({ ...q, asOf: '2031-02-30' }), 'field "asOf": is not a real calendar date'],
    ['a bad category', (q: Record<string, unknown>) => ({ ...q, category: 'fresh' }), 'field "category"'],
    ['updated without stale answers', (q: Record<string, unknown>) => ({ ...q, staleAnswers: undefined }), 'field "staleAnswers": is required'],
    ['a dangling sourceDocId', (q: Record<string, unknown>) => ({ ...q, sourceDocIds: ['nowhere'] }), 'field "sourceDocIds": points to unknown document "nowhere"'],
    ['a duplicate id', (q: Record<string, unknown>) => ({ ...q, id: 'q1' }), 'field "id": duplicate question id "q1"'],
  ])('rejects %s with file, line and field', async (_name, edit, expected) => {
    const dir = writeTinyDataset();
    editLine(dir, 'questions.jsonl', 2, edit);
    const err = await loadError(dir);
    expect(err.message).toContain('questions.jsonl, line 2');
    expect(err.message).toContain(expected);
  });

  it('rejects corpus problems: duplicate id, unknown supersedes, validTo before validFrom', async () => {
    let dir = writeTinyDataset();
    editLine(dir, 'corpus.jsonl', 3, (d) => ({ ...d, id: 'orsk-v1' }));
    expect((await loadError(dir)).message).toMatch(/corpus.jsonl, line 3, field "id": duplicate document id/);
    dir = writeTinyDataset();
    editLine(dir, 'corpus.jsonl', 2, (d) => ({ ...d, supersedes: 'ghost' }));
    expect((await loadError(dir)).message).toMatch(/line 2, field "supersedes": supersedes unknown document "ghost"/);
    dir = writeTinyDataset();
    editLine(dir, 'corpus.jsonl', 1, (d) => ({ ...d, validTo: '2019-01-01' }));
    expect((await loadError(dir)).message).toMatch(/line 1, field "validTo"/);
  });

  it('rejects a bad manifest and a missing file', async () => {
    const bad = await loadError(writeTinyDataset({ manifest: { schemaVersion: 9, name: 'x', trainingCutoff: '2030-01-01', corpus: 'c', questions: 'q' } }));
    expect(bad.message).toMatch(/dataset.json, field "schemaVersion"/);
    const missing = await loadError(writeTinyDataset({ manifest: { schemaVersion: 1, name: 'x', trainingCutoff: '2030-01-01', corpus: 'nope.jsonl', questions: 'questions.jsonl' } }));
    expect(missing.message).toMatch(/nope.jsonl: file not found/);
  });

  it('validates fine-tuning JSONL', async () => {
    const ds = await loadDataset(writeTinyDataset());
    expect((await loadFinetuneData(ds, 'plain')).examples).toHaveLength(3);
    const bad = await loadDataset(writeTinyDataset({ finetune: '{"messages":[{"role":"user","content":"hi"},{"role":"user","content":"x"}]}\n' }));
    await expect(loadFinetuneData(bad, 'plain')).rejects.toThrow(/finetune.jsonl, line 1, field "messages": last message must be from the assistant/);
  });

  it('isValidOn: validFrom inclusive, validTo exclusive', () => {
    const d = { validFrom: '2020-01-01', validTo: '2030-09-01' };
    expect(isValidOn(d, '2020-01-01')).toBe(true);
    expect(isValidOn(d, '2030-09-01')).toBe(false);
    expect(isValidOn({ validFrom: '2020-01-01' }, '2099-01-01')).toBe(true);
  });
});
