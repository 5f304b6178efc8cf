import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTinyDataset } from '../../test/helpers/tiny-dataset.js';
import { InputError } from '../util/errors.js';
import { parseJsonText, readInputFile } from '../util/input.js';
import { hasTimeline, isValidOn, loadDataset, loadFinetuneData, questionDate } from './load.js';

type Row = Record<string, unknown>;
const jsonl = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** Rewrites line `n` (1-based) of a JSONL file in the dataset. */
function editLine(dir: string, file: string, n: number, edit: (obj: Row) => unknown) {
  const path = join(dir, file);
  const lines = readFileSync(path, 'utf8').split('\n');
  lines[n - 1] = JSON.stringify(edit(JSON.parse(lines[n - 1]!)));
  writeFileSync(path, lines.join('\n'));
}

function editManifest(dir: string, edit: (m: Row) => Row) {
  const path = join(dir, 'dataset.json');
  writeFileSync(path, JSON.stringify(edit(JSON.parse(readFileSync(path, 'utf8')))));
}

async function loadError(path: string): Promise<InputError> {
  const err = await loadDataset(path).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

/** A dataset with no timeline at all: no cutoff, no dates, no categories. */
function writeUndatedDataset(questions?: Row[]): string {
  const docs = [
    { id: 'd1', title: 'Orsk', text: 'Orsk was founded in 1712.' },
    { id: 'd2', title: 'Dunmere', text: 'Dunmere exports slate.', metadata: { source: 'https://example.org/dunmere', licence: 'CC-BY' } },
  ];
  const qs = questions ?? [
    { id: 'q1', question: 'When was Orsk founded?', answers: ['1712'], sourceDocIds: ['d1'], metadata: { annotator: 'ab', tags: ['history'] } },
    { id: 'q2', question: 'What is the population of Dunmere?', answers: [], category: 'unanswerable', nearMissDocIds: ['d2'] },
  ];
  return writeTinyDataset({
    manifest: { schemaVersion: 1, name: 'undated', corpus: 'corpus.jsonl', questions: 'questions.jsonl', finetune: { plain: 'finetune.jsonl' } },
    corpus: jsonl(docs),
    questions: jsonl(qs),
  });
}

describe('datasets without a timeline', () => {
  it('loads with no trainingCutoff, validFrom, asOf or category; category defaults to static', async () => {
    const ds = await loadDataset(writeUndatedDataset());
    expect(hasTimeline(ds)).toBe(false);
    expect(ds.manifest.trainingCutoff).toBeUndefined();
    expect(ds.questions.map((q) => q.category)).toEqual(['static', 'unanswerable']);
    expect(ds.questions.map(questionDate)).toEqual([null, null]);
    expect(ds.questions[1]!.sourceDocIds).toEqual([]);
    expect(ds.questions[1]!.nearMissDocIds).toEqual(['d2']);
    expect(ds.documents[0]!.validFrom).toBeUndefined();
  });

  it('hasTimeline and questionDate on a dated dataset', async () => {
    const ds = await loadDataset(writeTinyDataset());
    expect(hasTimeline(ds)).toBe(true);
    expect(questionDate(ds.questions[0]!)).toBe('2031-06-01');
  });

  it('isValidOn: a missing validFrom is valid from the beginning', () => {
    expect(isValidOn({}, '0001-01-01')).toBe(true);
    expect(isValidOn({ validTo: '2020-01-01' }, '1900-01-01')).toBe(true);
    expect(isValidOn({ validTo: '2020-01-01' }, '2020-01-01')).toBe(false);
  });

  it.each(['updated', 'new'])('rejects a %s question without a trainingCutoff', async (category) => {
    const dir = writeUndatedDataset([
      { id: 'q1', question: 'When was Orsk founded?', answers: ['1712'], sourceDocIds: ['d1'] },
      { id: 'q2', question: 'Who?', answers: ['x'], category, sourceDocIds: ['d1'], ...(category === 'updated' ? { staleAnswers: ['y'] } : {}) },
    ]);
    const err = await loadError(dir);
    expect(err.message).toContain('questions.jsonl, line 2, field "category"');
    expect(err.message).toContain(`a "${category}" question needs a trainingCutoff in`);
    expect(err.message).toContain('dataset.json');
  });

  it('keeps metadata on documents and questions', async () => {
    const ds = await loadDataset(writeUndatedDataset());
    expect(ds.documents[1]!.metadata).toEqual({ source: 'https://example.org/dunmere', licence: 'CC-BY' });
    expect(ds.questions[0]!.metadata).toEqual({ annotator: 'ab', tags: ['history'] });
  });

  it('rejects metadata that is not an object', async () => {
    const dir = writeTinyDataset();
    editLine(dir, 'corpus.jsonl', 1, (d) => ({ ...d, metadata: 'wiki' }));
    expect((await loadError(dir)).message).toMatch(/corpus.jsonl, line 1, field "metadata"/);
  });
});

describe('mistakes that silently produce wrong numbers', () => {
  it('rejects an asOf before every document validFrom, naming the earliest', async () => {
    const dir = writeTinyDataset();
    editLine(dir, 'questions.jsonl', 4, (q) => ({ ...q, asOf: '2019-01-01' })); // q4, unanswerable: no gold
    const err = await loadError(dir);
    expect(err.message).toContain('questions.jsonl, line 4, field "asOf": asOf 2019-01-01 is before every document\'s validFrom (the earliest is 2019-05-01)');
  });

  it('rejects a gold document not valid on asOf, naming it and its range', async () => {
    const dir = writeTinyDataset();
    editLine(dir, 'questions.jsonl', 1, (q) => ({ ...q, sourceDocIds: ['orsk-v1'] }));
    const err = await loadError(dir);
    expect(err.message).toContain(
      'questions.jsonl, line 1, field "sourceDocIds": gold document "orsk-v1" is not valid on asOf 2031-06-01 (it is valid from 2020-01-01 until 2030-09-01 (exclusive))',
    );
  });

  it('rejects two versions of one document valid on the same day, naming both', async () => {
    let dir = writeTinyDataset();
    editLine(dir, 'corpus.jsonl', 2, (d) => ({ ...d, validFrom: '2030-08-01' }));
    let err = await loadError(dir);
    expect(err.message).toContain('corpus.jsonl, line 2, field "validFrom": versions "orsk-v1"');
    expect(err.message).toContain('and "orsk-v2" (valid from 2030-08-01 with no end) of one document are both valid on 2030-08-01');
    // The classic: the old version never got a validTo.
    dir = writeTinyDataset();
    editLine(dir, 'corpus.jsonl', 1, (d) => ({ ...d, validTo: undefined }));
    err = await loadError(dir);
    expect(err.message).toContain('versions "orsk-v1" (valid from 2020-01-01 with no end) and "orsk-v2"');
    // Versions further apart in a chain are checked too.
    const v3 = { id: 'orsk-v3', title: 'Orsk (city)', text: 'Orsk has a new mayor.', validFrom: '2031-01-01', supersedes: 'orsk-v2' };
    dir = writeTinyDataset();
    editLine(dir, 'corpus.jsonl', 2, (d) => ({ ...d, validTo: '2031-01-01' }));
    editLine(dir, 'corpus.jsonl', 1, (d) => ({ ...d, validTo: '2031-02-01' }));
    writeFileSync(join(dir, 'corpus.jsonl'), readFileSync(join(dir, 'corpus.jsonl'), 'utf8') + JSON.stringify(v3) + '\n');
    err = await loadError(dir);
    expect(err.message).toContain('versions "orsk-v1"');
    expect(err.message).toContain('"orsk-v3"');
  });

  it('rejects a loop of supersedes links', async () => {
    const dir = writeTinyDataset();
    editLine(dir, 'corpus.jsonl', 1, (d) => ({ ...d, supersedes: 'orsk-v2' }));
    const err = await loadError(dir);
    expect(err.message).toMatch(/field "supersedes": document "orsk-v\d" is on a loop of supersedes links/);
  });

  it.each([
    ['updated', 2, 'orsk-v2', '2030-06-30'],
    ['new', 3, 'kestrel', '2030-01-01'],
  ])('rejects a %s question whose gold version starts on or before the cutoff', async (category, qLine, docId, validFrom) => {
    const dir = writeTinyDataset();
    const docLine = { 'orsk-v2': 2, kestrel: 3 }[docId]!;
    editLine(dir, 'corpus.jsonl', docLine, (d) => ({ ...d, validFrom }));
    if (docId === 'orsk-v2') editLine(dir, 'corpus.jsonl', 1, (d) => ({ ...d, validTo: validFrom }));
    const err = await loadError(dir);
    expect(err.message).toContain(`questions.jsonl, line ${qLine}, field "sourceDocIds": no gold document starts after the trainingCutoff 2030-06-30 ("${docId}" valid from ${validFrom}`);
    expect(err.message).toContain(`so it is not ${category === 'new' ? 'a' : 'an'} "${category}" question`);
  });

  it('rejects a new question whose gold document has no validFrom', async () => {
    const dir = writeTinyDataset();
    editLine(dir, 'corpus.jsonl', 3, (d) => ({ ...d, validFrom: undefined }));
    expect((await loadError(dir)).message).toContain('line 3, field "sourceDocIds": no gold document starts after the trainingCutoff 2030-06-30 ("kestrel" valid from the beginning');
  });

  it.each([
    ['the same text', ['Osric Vell'], 'stale answer "Osric Vell" is the same as accepted answer "Osric Vell"'],
    ['different case, article and punctuation', ['Mira Tull', 'The osric vell.'], 'field "staleAnswers.1": stale answer "The osric vell." is the same as accepted answer "Osric Vell"'],
  ])('rejects staleAnswers equal to an answer (%s)', async (_name, staleAnswers, expected) => {
    const dir = writeTinyDataset();
    editLine(dir, 'questions.jsonl', 2, (q) => ({ ...q, staleAnswers }));
    const err = await loadError(dir);
    expect(err.message).toContain('questions.jsonl, line 2, field "staleAnswers');
    expect(err.message).toContain(expected);
  });

  it('rejects staleAnswers on a question that is not updated', async () => {
    const dir = writeTinyDataset();
    editLine(dir, 'questions.jsonl', 1, (q) => ({ ...q, staleAnswers: ['1713'] }));
    expect((await loadError(dir)).message).toContain('questions.jsonl, line 1, field "staleAnswers": is only for updated questions (this one is "static")');
  });

  it('rejects sourceDocIds on an unanswerable question, pointing to nearMissDocIds', async () => {
    const dir = writeTinyDataset();
    editLine(dir, 'questions.jsonl', 4, (q) => ({ ...q, sourceDocIds: ['dunmere'] }));
    expect((await loadError(dir)).message).toContain(
      'questions.jsonl, line 4, field "sourceDocIds": must be empty for an unanswerable question (list documents that look relevant but do not answer under "nearMissDocIds")',
    );
  });

  it('accepts nearMissDocIds on an unanswerable question; rejects unknown ones and ones on answerable questions', async () => {
    let dir = writeTinyDataset();
    editLine(dir, 'questions.jsonl', 4, (q) => ({ ...q, nearMissDocIds: ['dunmere'] }));
    expect((await loadDataset(dir)).questions[3]!.nearMissDocIds).toEqual(['dunmere']);
    dir = writeTinyDataset();
    editLine(dir, 'questions.jsonl', 4, (q) => ({ ...q, nearMissDocIds: ['ghost'] }));
    expect((await loadError(dir)).message).toContain('questions.jsonl, line 4, field "nearMissDocIds": points to unknown document "ghost"');
    dir = writeTinyDataset();
    editLine(dir, 'questions.jsonl', 5, (q) => ({ ...q, nearMissDocIds: ['orsk-v2'] }));
    expect((await loadError(dir)).message).toContain('line 5, field "nearMissDocIds": is only for unanswerable questions (this one is "static")');
  });

  it.each(['', '  \n '])('rejects an empty assistant message in fine-tuning data (%j)', async (content) => {
    const ex = { messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content }] };
    const ds = await loadDataset(writeTinyDataset({ finetune: JSON.stringify(ex) + '\n' }));
    await expect(loadFinetuneData(ds, 'plain')).rejects.toThrow(/finetune.jsonl, line 1, field "messages.1.content": assistant message is empty/);
  });
});

describe('hints for common mistakes', () => {
  it('a JSONL file that is a JSON array', async () => {
    const docs = readFileSync(join(writeTinyDataset(), 'corpus.jsonl'), 'utf8').trim().split('\n');
    const dir = writeTinyDataset({ corpus: `\n  [\n${docs.join(',\n')}\n]\n` });
    const err = await loadError(dir);
    expect(err.message).toContain('corpus.jsonl, line 2: is a JSON array; JSONL needs one object per line');
  });

  it('a .jsonl file given instead of the dataset', async () => {
    const dir = writeTinyDataset();
    for (const p of [join(dir, 'questions.jsonl'), join(dir, 'missing.JSONL')]) {
      const err = await loadError(p);
      expect(err.message).toContain(`${p}: is a JSONL file, not a dataset: point at the dataset folder or its dataset.json`);
    }
  });

  it('a fine-tuning name that is neither a variant nor a file lists the variants', async () => {
    const dir = writeTinyDataset();
    editManifest(dir, (m) => ({ ...m, finetune: { plain: 'finetune.jsonl', paraphrase: 'finetune.jsonl' } }));
    const ds = await loadDataset(dir);
    await expect(loadFinetuneData(ds, 'paraphrased')).rejects.toThrow(/paraphrased: file not found, and "paraphrased" is not a fine-tuning variant of dataset.json \(it defines: plain, paraphrase\)/);
    const undated = await loadDataset(writeUndatedDataset());
    editManifest(undated.dir, (m) => ({ ...m, finetune: {} }));
    const bare = await loadDataset(undated.dir);
    await expect(loadFinetuneData(bare, 'plain')).rejects.toThrow(/"plain" is not a fine-tuning variant of dataset.json \(it defines none\)/);
    // A real path still works.
    expect((await loadFinetuneData(bare, join(dir, 'finetune.jsonl'))).examples).toHaveLength(3);
  });

  it('accepts a UTF-8 BOM at the start of every JSON and JSONL file', async () => {
    const dir = writeTinyDataset();
    for (const f of ['dataset.json', 'corpus.jsonl', 'questions.jsonl', 'finetune.jsonl']) {
      writeFileSync(join(dir, f), '\uFEFF' + readFileSync(join(dir, f), 'utf8'));
    }
    const ds = await loadDataset(dir);
    expect(ds.documents).toHaveLength(4);
    expect(ds.questions[0]!.id).toBe('q1');
    expect((await loadFinetuneData(ds, 'plain')).examples).toHaveLength(3);
    const tmp = mkdtempSync(join(tmpdir(), 'ragvft-bom-'));
    writeFileSync(join(tmp, 'x.json'), '\uFEFF{"a":1}');
    expect(await readInputFile(join(tmp, 'x.json'))).toBe('{"a":1}');
    expect(parseJsonText('\uFEFF{"a":1}', 'x.json')).toEqual({ a: 1 });
  });
});

describe('paths and names from dataset.json stay where they belong', () => {
  it.each([
    [{ corpus: '../../../../etc/passwd' }, 'corpus', /inside the dataset folder/],
    [{ corpus: '/etc/passwd' }, 'corpus', /inside the dataset folder/],
    [{ finetune: { plain: '../x.jsonl' } }, 'finetune.plain', /inside the dataset folder/],
    [{ name: '../../x' }, 'name', /letters, digits/],
  ])('refuses %j before reading anything', async (over, field, message) => {
    const dir = writeTinyDataset();
    const manifest = { schemaVersion: 1, name: 'tiny', trainingCutoff: '2030-06-30', corpus: 'corpus.jsonl', questions: 'questions.jsonl', finetune: { plain: 'finetune.jsonl' }, ...over };
    writeFileSync(join(dir, 'dataset.json'), JSON.stringify(manifest));
    const err = await loadDataset(dir).then(() => null, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(InputError);
    expect(err!.message).toContain(`field "${field}"`);
    expect(err!.message).toMatch(message);
    // Nothing of the target was read into the message.
    expect(err!.message).not.toMatch(/root:/);
  });
});
