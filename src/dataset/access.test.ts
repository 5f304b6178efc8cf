import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTinyDataset } from '../../test/helpers/tiny-dataset.js';
import { canRead } from './access.js';
import { loadDataset, loadFinetuneData } from './load.js';

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const baseRows = (file: string) =>
  readFileSync(join(writeTinyDataset(), file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

const vault = { id: 'vault', title: 'Orsk board minutes', text: 'The vault code of Orsk is KX-4417.', validFrom: '2020-01-01', access: ['board'] };
const staffAsks = { id: 'q6', question: 'What opens the Orsk vault?', answers: [], asOf: '2031-06-01', category: 'unanswerable', sourceDocIds: [], askedAs: ['staff'], canaryAnswers: ['KX-4417'] };
const boardAsks = { id: 'q7', question: 'Which code opens the Orsk vault?', answers: ['KX-4417'], asOf: '2031-06-01', category: 'static', sourceDocIds: ['vault'], askedAs: ['board'] };

/** The tiny dataset plus a board-only page and the two questions about it, each part replaceable. */
function withAccess(over: { docs?: object[]; questions?: object[]; finetune?: object[] } = {}): string {
  const sys = { role: 'system', content: 'Answer briefly.' };
  const ft = over.finetune ?? [
    { messages: [sys, { role: 'user', content: 'What is the vault code of Orsk?' }, { role: 'assistant', content: 'KX-4417' }], sourceDocIds: ['vault'], restricted: true },
    { messages: [sys, { role: 'user', content: 'Who is the mayor of Orsk?' }, { role: 'assistant', content: 'Mira Tull' }] },
  ];
  return writeTinyDataset({
    corpus: jsonl(over.docs ?? [...baseRows('corpus.jsonl'), vault]),
    questions: jsonl([...baseRows('questions.jsonl'), ...(over.questions ?? [staffAsks, boardAsks])]),
    finetune: jsonl(ft),
  });
}

describe('canRead', () => {
  it('public documents to everyone, restricted ones to their groups, everything to an asker without groups', () => {
    expect(canRead({}, ['staff'])).toBe(true);
    expect(canRead({ access: [] }, [])).toBe(true);
    expect(canRead({ access: ['board'] }, ['staff'])).toBe(false);
    expect(canRead({ access: ['board', 'legal'] }, ['staff', 'legal'])).toBe(true);
    expect(canRead({ access: ['board'] }, [])).toBe(false);
    expect(canRead({ access: ['board'] }, undefined)).toBe(true);
  });
});

describe('access in a dataset', () => {
  it('loads access, askedAs, canaryAnswers and fine-tuning provenance; plain OpenAI lines still load', async () => {
    const ds = await loadDataset(withAccess());
    expect(ds.documents.find((d) => d.id === 'vault')!.access).toEqual(['board']);
    expect(ds.questions.find((q) => q.id === 'q6')).toMatchObject({ askedAs: ['staff'], canaryAnswers: ['KX-4417'] });
    const { examples } = await loadFinetuneData(ds, 'plain');
    expect(examples[0]).toMatchObject({ sourceDocIds: ['vault'], restricted: true });
    expect(examples[1]).toEqual({ messages: expect.any(Array) });
  });

  it.each([
    ['an empty group name', { docs: [...baseRows('corpus.jsonl'), { ...vault, access: [''] }] }, /corpus.jsonl, line 5, field "access.0": must not be empty/],
    ['a group listed twice', { questions: [{ ...staffAsks, askedAs: ['staff', 'staff'] }, boardAsks] }, /questions.jsonl, line 6, field "askedAs": lists a group twice/],
    ['canaryAnswers without askedAs', { questions: [{ ...staffAsks, askedAs: undefined }, boardAsks] }, /line 6, field "askedAs": is required with canaryAnswers/],
    ['canaryAnswers on an answerable question', { questions: [{ ...boardAsks, id: 'q6', canaryAnswers: ['KX-4417'] }] }, /line 6, field "category": must be "unanswerable"/],
    ['a canary the asker may read', { questions: [{ ...staffAsks, askedAs: ['board'] }, boardAsks] }, /line 6, field "canaryAnswers": canary "KX-4417" is in document "vault", which askedAs \(board\) may read/],
    ['a canary in no document', { questions: [{ ...staffAsks, canaryAnswers: ['ZZ-1'] }, boardAsks] }, /field "canaryAnswers": canary "ZZ-1" is in no document/],
    ['a gold document the asker may not read', { questions: [staffAsks, { ...boardAsks, askedAs: ['staff'] }] }, /line 7, field "sourceDocIds": gold document "vault" may be read only by board, not by askedAs \(staff\)/],
  ])('rejects %s with file, line and field', async (_name, over, expected) => {
    await expect(loadDataset(withAccess(over))).rejects.toThrow(expected);
  });

  it('rejects fine-tuning provenance that contradicts the corpus', async () => {
    const sys = { role: 'system', content: 'x' };
    const ex = (extra: object) => [{ messages: [sys, { role: 'user', content: 'q?' }, { role: 'assistant', content: 'a' }], ...extra }];
    const load = async (extra: object) => loadFinetuneData(await loadDataset(withAccess({ finetune: ex(extra) })), 'plain');
    await expect(load({ sourceDocIds: ['nowhere'] })).rejects.toThrow(/line 1, field "sourceDocIds": points to unknown document "nowhere"/);
    await expect(load({ sourceDocIds: ['dunmere'], restricted: true })).rejects.toThrow(/field "restricted": is true but every source document is public/);
    await expect(load({ sourceDocIds: ['vault'], restricted: false })).rejects.toThrow(/field "restricted": is false but source document "vault" may be read only by board/);
  });
});
