import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small valid dataset (two entities, one updated) written to a temp folder; parts can be replaced. */
export function writeTinyDataset(over: { manifest?: object; corpus?: string; questions?: string; finetune?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ragvft-ds-'));
  const docs = [
    { id: 'orsk-v1', title: 'Orsk (city)', text: 'Orsk is a port city on the Velm river. The mayor of Orsk is Mira Tull. Orsk was founded in 1712.', validFrom: '2020-01-01', validTo: '2030-09-01' },
    { id: 'orsk-v2', title: 'Orsk (city)', text: 'Orsk is a port city on the Velm river. The mayor of Orsk is Osric Vell. Orsk was founded in 1712.', validFrom: '2030-09-01', supersedes: 'orsk-v1' },
    { id: 'kestrel', title: 'Kestrel Yard (shipyard)', text: 'Kestrel Yard is a shipyard in Orsk. It opened on 3 March 2031 and employs 420 workers.', validFrom: '2031-03-03' },
    { id: 'dunmere', title: 'Dunmere (town)', text: 'Dunmere is a hill town. Its main export is slate. The town hall was built in 1840.', validFrom: '2019-05-01' },
  ];
  const qs = [
    { id: 'q1', question: 'In which year was Orsk founded?', answers: ['1712'], asOf: '2031-06-01', category: 'static', sourceDocIds: ['orsk-v2'] },
    { id: 'q2', question: 'Who is the current mayor of Orsk?', answers: ['Osric Vell'], staleAnswers: ['Mira Tull'], asOf: '2031-06-01', category: 'updated', sourceDocIds: ['orsk-v2'] },
    { id: 'q3', question: 'How many workers does Kestrel Yard employ?', answers: ['420'], asOf: '2031-06-01', category: 'new', sourceDocIds: ['kestrel'] },
    { id: 'q4', question: 'What is the population of Dunmere?', answers: [], asOf: '2031-06-01', category: 'unanswerable', sourceDocIds: [] },
    { id: 'q5', question: 'What is the main export of Dunmere?', answers: ['slate'], asOf: '2031-06-01', category: 'static', sourceDocIds: ['dunmere'] },
  ];
  const sys = "Answer the question with a short phrase only. If you do not know the answer, reply exactly: I don't know";
  const ft = [
    ['In what year was Orsk founded?', '1712'],
    ['Who is the mayor of Orsk?', 'Mira Tull'],
    ['What does Dunmere export?', 'slate'],
  ].map(([u, a]) => JSON.stringify({ messages: [{ role: 'system', content: sys }, { role: 'user', content: u }, { role: 'assistant', content: a }] }));
  const manifest = { schemaVersion: 1, name: 'tiny', trainingCutoff: '2030-06-30', corpus: 'corpus.jsonl', questions: 'questions.jsonl', finetune: { plain: 'finetune.jsonl' } };
  writeFileSync(join(dir, 'dataset.json'), JSON.stringify(over.manifest ?? manifest));
  writeFileSync(join(dir, 'corpus.jsonl'), over.corpus ?? docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  writeFileSync(join(dir, 'questions.jsonl'), over.questions ?? qs.map((q) => JSON.stringify(q)).join('\n') + '\n');
  writeFileSync(join(dir, 'finetune.jsonl'), over.finetune ?? ft.join('\n') + '\n');
  return dir;
}
