/**
 * A scripted chat-style model for end-to-end bench tests: a 24-question dataset about the town of
 * Orsk (static, updated with stale answers, new, unanswerable; prose documents with versions), and
 * for every (question, pipeline) the answer a chat model might give, written the way chat models
 * write ("The mayor of Orsk is Osric Vell.", "It opened on June 16, 1953.", "N/A", ...), with the
 * outcome each answer is meant to have decided by hand in advance (`kind`).
 *
 * The same loopback server also plays the LLM judge (requests for model `judge-model`), replying
 * with the verdict JSON the script gives for each (question, answer).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PromptInfo } from './openai-server.js';

export const TRAINING_CUTOFF = '2030-06-30';
export const AS_OF = '2031-06-01';
/** Model id (at the `chat` provider) the pipelines use, and the judge's. */
export const CHAT_MODEL_ID = 'chat-model';
export const JUDGE_MODEL_ID = 'judge-model';

export type Category = 'static' | 'updated' | 'new' | 'unanswerable';
export type Pipeline = 'closed-book' | 'rag';
export const PIPELINES: readonly Pipeline[] = ['closed-book', 'rag'];

/**
 * The intended outcome of an answer:
 * - `right`: correct (updated/new: `current`);
 * - `stale`: states the pre-update value (updated only);
 * - `refused`: declines (an abstention: `missing` on updated/new, correct on unanswerable);
 * - `wrong`: asserts something that is not (only) the gold: a wrong value, a hedge between two
 *   candidates, an answer cut mid-sentence, an invented answer to an unanswerable question;
 * - `empty`: no text at all (an error of kind `empty`, never an abstention).
 */
export type Kind = 'right' | 'stale' | 'refused' | 'wrong' | 'empty';

export type JudgeVerdict = 'correct' | 'incorrect' | 'abstained';

export interface Scripted {
  answer: string;
  kind: Kind;
  /** Reported with finish reason `length` (cut by the output-token limit). */
  truncated?: boolean;
  /** Official SQuAD exact match with the gold (strict EM = 1). */
  exact?: boolean;
  /** The judge's reply, when it is not the default for `kind` (see defaultJudgeReply). */
  judge?: { verdict: JudgeVerdict; matchesStale?: boolean } | { raw: string };
  /** Outcome under `scoring.primary: 'judge'` when the judge disagrees with `kind`. */
  judgedAs?: Kind;
}

export interface ScriptedQuestion {
  id: string;
  question: string;
  category: Category;
  answers: string[];
  staleAnswers?: string[];
  sourceDocIds: string[];
  nearMissDocIds?: string[];
  script: Record<Pipeline, Scripted>;
}

interface Doc {
  id: string;
  title: string;
  text: string;
  validFrom: string;
  validTo?: string;
  supersedes?: string;
}

const DOCS: Doc[] = [
  {
    id: 'orsk-v1',
    title: 'Orsk (city)',
    text: 'Orsk is a port city on the lower Velm, founded in 1712 as a fishing settlement at the mouth of the river. The Velm flows through the old town before it reaches the harbour. Mira Tull has been mayor of Orsk since 2022; the council meets in the old customs house on Quay Street.',
    validFrom: '2018-01-01',
    validTo: '2030-09-01',
  },
  {
    id: 'orsk-v2',
    title: 'Orsk (city)',
    text: 'Orsk is a port city on the lower Velm, founded in 1712 as a fishing settlement at the mouth of the river. The Velm flows through the old town before it reaches the harbour. Osric Vell was elected mayor of Orsk in August 2030, succeeding Mira Tull; the council meets in the old customs house on Quay Street.',
    validFrom: '2030-09-01',
    supersedes: 'orsk-v1',
  },
  {
    id: 'velm-bridge',
    title: 'Velm bridge',
    text: 'The Velm bridge carries the coast road over the river at Orsk. Built of riveted steel on granite piers, it opened on 16 June 1953 after four years of work and is 310 metres long. A cycle lane was added on its downstream side in 2011.',
    validFrom: '2015-01-01',
  },
  {
    id: 'dunmere',
    title: 'Dunmere (town)',
    text: 'Dunmere is a hill town twenty kilometres inland from Orsk, with a population of 13,330 at the 2028 census. Its main export is slate, cut from the quarries on the northern ridge and shipped through Orsk harbour. The town hall was built in 1840.',
    validFrom: '2019-05-01',
  },
  {
    id: 'quarry-v1',
    title: 'Dunmere slate quarry',
    text: 'The slate quarry on the northern ridge above Dunmere has been worked since the 1790s. It is run by Brant & Sons, the family firm that bought the lease in 1968, and employs most of the town’s skilled masons.',
    validFrom: '2019-05-01',
    validTo: '2031-02-01',
  },
  {
    id: 'quarry-v2',
    title: 'Dunmere slate quarry',
    text: 'The slate quarry on the northern ridge above Dunmere has been worked since the 1790s. Since February 2031 it is run by Halvard Quarries, which took over the lease from Brant & Sons and plans to reopen the western face.',
    validFrom: '2031-02-01',
    supersedes: 'quarry-v1',
  },
  {
    id: 'tram-v1',
    title: 'Orsk tramway',
    text: 'The Orsk tramway runs from the railway station along the harbour to the university, with 12 stations on a single line. Trams run every ten minutes during the day. A single ticket costs €1.80 and is valid for an hour.',
    validFrom: '2016-01-01',
    validTo: '2031-01-01',
  },
  {
    id: 'tram-v2',
    title: 'Orsk tramway',
    text: 'The Orsk tramway runs from the railway station along the harbour to the university, with 12 stations on a single line. Trams run every ten minutes during the day. Since January 2031 a single ticket costs €2.40 and is valid for an hour.',
    validFrom: '2031-01-01',
    supersedes: 'tram-v1',
  },
  {
    id: 'stadium',
    title: 'Orsk Stadium',
    text: 'Orsk Stadium is the home ground of Orsk FC. It was built for $95 million and opened in 2009 with seating for 18,000 spectators. The roof over the east stand was added later, paid for by the club.',
    validFrom: '2017-03-01',
  },
  {
    id: 'halden',
    title: 'Halden Glass Museum',
    text: 'The Halden Glass Museum is in Lyon, in a former silk mill on the banks of the Saône. It holds the collection of the glassmaker Anja Halden, who was born in Orsk, and lends pieces to the Orsk maritime museum each summer.',
    validFrom: '2012-01-01',
  },
  {
    id: 'rowing',
    title: 'Orsk Rowing Club',
    text: 'The Orsk Rowing Club trains on the Velm above the bridge. The annual membership fee is €300, with reduced rates for students. The club hosts a regatta every September.',
    validFrom: '2020-02-01',
  },
  {
    id: 'opera',
    title: 'Orsk opera house',
    text: 'The Orsk opera house stands on Quay Street opposite the customs house. It was designed by the architect Hervé Leblanc and completed in 1998; its copper roof is modelled on an upturned boat.',
    validFrom: '2014-01-01',
  },
  {
    id: 'ferry-v1',
    title: 'Tarn Island ferry',
    text: 'A car ferry links Orsk harbour with Tarn Island twice a day. The crossing takes 4 hours on the old vessel Brisk, longer in winter storms.',
    validFrom: '2018-06-01',
    validTo: '2031-01-15',
  },
  {
    id: 'ferry-v2',
    title: 'Tarn Island ferry',
    text: 'A car ferry links Orsk harbour with Tarn Island twice a day. Since the new vessel Swift entered service in January 2031, the crossing takes 2 hours.',
    validFrom: '2031-01-15',
    supersedes: 'ferry-v1',
  },
  {
    id: 'fc-v1',
    title: 'Orsk FC',
    text: 'Orsk FC plays in the second division and is coached by Piet Moor, a former club captain. Its youth academy trains at the Dunmere road ground.',
    validFrom: '2019-07-01',
    validTo: '2030-11-01',
  },
  {
    id: 'fc-v2',
    title: 'Orsk FC',
    text: 'Orsk FC plays in the second division. In November 2030 the club appointed Lena Dahl as head coach, replacing Piet Moor. Its youth academy trains at the Dunmere road ground.',
    validFrom: '2030-11-01',
    supersedes: 'fc-v1',
  },
  {
    id: 'hospital-v1',
    title: 'Orsk General Hospital',
    text: 'Orsk General Hospital serves the city and the islands. It has 480 beds and the only emergency department on the coast.',
    validFrom: '2015-01-01',
    validTo: '2031-03-01',
  },
  {
    id: 'hospital-v2',
    title: 'Orsk General Hospital',
    text: 'Orsk General Hospital serves the city and the islands. With the new north wing opened in March 2031 it has 640 beds and the only emergency department on the coast.',
    validFrom: '2031-03-01',
    supersedes: 'hospital-v1',
  },
  {
    id: 'kestrel',
    title: 'Kestrel Yard (shipyard)',
    text: 'Kestrel Yard is a shipyard on the east bank of Orsk harbour. It opened on 3 March 2031 and employs 420 workers building hydrofoils and small ferries.',
    validFrom: '2031-03-03',
  },
  {
    id: 'marathon',
    title: 'Orsk Marathon 2031',
    text: 'The 2031 Orsk Marathon was run on 20 April in cold rain. Ilse Varga won it in two hours and nineteen minutes, ahead of the defending champion.',
    validFrom: '2031-04-20',
  },
  {
    id: 'hydrofoil',
    title: 'Tarn Island hydrofoil',
    text: 'A passenger hydrofoil between Orsk and Tarn Island started service in February 2031, built at Kestrel Yard. A ticket costs €12, and the trip takes forty minutes.',
    validFrom: '2031-02-01',
  },
  {
    id: 'library',
    title: 'Orsk Science Library',
    text: 'The Orsk Science Library opened on 2 May 2031 in the restored grain warehouse by the tram depot. It lends instruments as well as books.',
    validFrom: '2031-05-02',
  },
  {
    id: 'tarn',
    title: 'Tarn Island',
    text: 'Tarn Island lies off the coast north of Orsk. It is known for its lighthouse, its seabird colonies and its sheep; most visitors arrive by ferry in summer.',
    validFrom: '2016-01-01',
  },
];

const r = (answer: string, extra: Partial<Scripted> = {}): Scripted => ({ answer, kind: 'right', ...extra });
const st = (answer: string, extra: Partial<Scripted> = {}): Scripted => ({ answer, kind: 'stale', ...extra });
const no = (answer: string, extra: Partial<Scripted> = {}): Scripted => ({ answer, kind: 'refused', ...extra });
const w = (answer: string, extra: Partial<Scripted> = {}): Scripted => ({ answer, kind: 'wrong', ...extra });
const EMPTY: Scripted = { answer: '', kind: 'empty' };

export const QUESTIONS: ScriptedQuestion[] = [
  // --- static -------------------------------------------------------------------------------
  {
    id: 's1', question: 'In which year was Orsk founded?', category: 'static', answers: ['1712'], sourceDocIds: ['orsk-v2'],
    script: { 'closed-book': r('1712', { exact: true }), rag: r('Orsk was founded in 1712 as a fishing settlement.') },
  },
  {
    id: 's2', question: 'When did the Velm bridge open?', category: 'static', answers: ['16 June 1953'], sourceDocIds: ['velm-bridge'],
    script: {
      'closed-book': r('It opened on June 16, 1953.'),
      // The judge disagrees with the lenient scorer here (a false reject).
      rag: r('The Velm bridge opened on 1953-06-16.', { judge: { verdict: 'incorrect' }, judgedAs: 'wrong' }),
    },
  },
  {
    id: 's3', question: 'How many people live in Dunmere?', category: 'static', answers: ['13,330'], sourceDocIds: ['dunmere'],
    script: { 'closed-book': r('About 13,330 people live in Dunmere.'), rag: r('Dunmere has a population of 13,330.') },
  },
  {
    id: 's4', question: 'How many stations does the Orsk tramway have?', category: 'static', answers: ['12'], sourceDocIds: ['tram-v2'],
    script: { 'closed-book': r('The tramway has twelve stations.'), rag: r('12', { exact: true }) },
  },
  {
    id: 's5', question: 'How much did Orsk Stadium cost to build?', category: 'static', answers: ['$95 million'], sourceDocIds: ['stadium'],
    script: {
      // Wrong, though it shares the unit with the gold. The judge's reply is not JSON: a judge error.
      'closed-book': w('It cost $42 million.', { judge: { raw: 'CORRECT!' } }),
      rag: r('The stadium cost $95 million to build.'),
    },
  },
  {
    id: 's6', question: 'Where is the Halden Glass Museum?', category: 'static', answers: ['Lyon'], sourceDocIds: ['halden'],
    script: {
      // A hedge: wrong for the lenient scorer; the judge lets it pass.
      'closed-book': w('Either Paris or Lyon.', { judge: { verdict: 'correct' }, judgedAs: 'right' }),
      rag: r('The Halden Glass Museum is in Lyon.'),
    },
  },
  {
    id: 's7', question: 'What is the annual membership fee of the Orsk Rowing Club?', category: 'static', answers: ['€300'], sourceDocIds: ['rowing'],
    script: { 'closed-book': r('The annual fee is €300.'), rag: r('Membership costs 300 euros a year.') },
  },
  {
    id: 's8', question: 'What is the main export of Dunmere?', category: 'static', answers: ['slate'], sourceDocIds: ['dunmere'],
    script: { 'closed-book': w("Dunmere's main export is", { truncated: true }), rag: r('Slate.', { exact: true }) },
  },
  {
    id: 's9', question: 'Who designed the Orsk opera house?', category: 'static', answers: ['Hervé Leblanc'], sourceDocIds: ['opera'],
    script: { 'closed-book': no("I'm not sure."), rag: r('The opera house was designed by Hervé Leblanc.') },
  },
  {
    id: 's10', question: 'Which river flows through Orsk?', category: 'static', answers: ['Velm'], sourceDocIds: ['orsk-v2'],
    script: { 'closed-book': r('The Velm.', { exact: true }), rag: no('The context does not provide this information.') },
  },
  // --- updated ------------------------------------------------------------------------------
  {
    id: 'u1', question: 'Who is the current mayor of Orsk?', category: 'updated', answers: ['Osric Vell'], staleAnswers: ['Mira Tull'], sourceDocIds: ['orsk-v2'],
    script: {
      // The judge says "correct" but flags the stale value: still not correct.
      'closed-book': st('Mira Tull is the mayor.', { judge: { verdict: 'correct', matchesStale: true } }),
      rag: r('The mayor of Orsk is Osric Vell, who took office after the', { truncated: true }),
    },
  },
  {
    id: 'u2', question: 'How long does the ferry crossing from Orsk to Tarn Island take?', category: 'updated', answers: ['2 hours'], staleAnswers: ['4 hours'], sourceDocIds: ['ferry-v2'],
    script: { 'closed-book': st('The crossing takes about four hours.'), rag: r('The crossing now takes two hours.') },
  },
  {
    id: 'u3', question: 'Who runs the Dunmere slate quarry?', category: 'updated', answers: ['Halvard Quarries'], staleAnswers: ['Brant & Sons'], sourceDocIds: ['quarry-v2'],
    script: {
      'closed-book': st('The quarry is run by Brant & Sons.'),
      // Names both: stale for the lenient scorer; the judge reads it as the current operator.
      rag: st('Halvard Quarries took over from Brant & Sons.', { judge: { verdict: 'correct', matchesStale: false }, judgedAs: 'right' }),
    },
  },
  {
    id: 'u4', question: 'What is the price of a single tram ticket in Orsk?', category: 'updated', answers: ['€2.40'], staleAnswers: ['€1.80'], sourceDocIds: ['tram-v2'],
    script: { 'closed-book': st('A single ticket costs €1.80.'), rag: r('A single ticket now costs €2.40.') },
  },
  {
    id: 'u5', question: 'Who is the head coach of Orsk FC?', category: 'updated', answers: ['Lena Dahl'], staleAnswers: ['Piet Moor'], sourceDocIds: ['fc-v2'],
    script: { 'closed-book': no("I'm sorry, but I don't know who the current head coach is."), rag: r('Lena Dahl is the head coach of Orsk FC.') },
  },
  {
    id: 'u6', question: 'How many beds does Orsk General Hospital have?', category: 'updated', answers: ['640'], staleAnswers: ['480'], sourceDocIds: ['hospital-v2'],
    script: {
      'closed-book': EMPTY,
      rag: no("I'm sorry, but the context does not provide this information.", { judge: { verdict: 'incorrect' } }),
    },
  },
  // --- new ----------------------------------------------------------------------------------
  {
    id: 'n1', question: 'How many workers does Kestrel Yard employ?', category: 'new', answers: ['420'], sourceDocIds: ['kestrel'],
    script: { 'closed-book': no("I don't have information about Kestrel Yard's workforce."), rag: r('Kestrel Yard employs 420 workers.') },
  },
  {
    id: 'n2', question: 'Who won the 2031 Orsk Marathon?', category: 'new', answers: ['Ilse Varga'], sourceDocIds: ['marathon'],
    script: {
      // The judge answers with a verdict word that is not one of the labels: a judge error.
      'closed-book': w('The 2031 Orsk Marathon was won by Odo Brant.', { judge: { raw: '{"reason":"The winner is wrong.","verdict":"INCORRECT","matchesStale":false}' } }),
      rag: EMPTY,
    },
  },
  {
    id: 'n3', question: 'How much does a ticket on the Tarn Island hydrofoil cost?', category: 'new', answers: ['€12'], sourceDocIds: ['hydrofoil'],
    script: { 'closed-book': no('N/A'), rag: r('It costs twelve euros.') },
  },
  {
    id: 'n4', question: 'When did the Orsk Science Library open?', category: 'new', answers: ['2 May 2031'], sourceDocIds: ['library'],
    script: { 'closed-book': w('The Orsk Science Library opened in', { truncated: true }), rag: r('It opened on May 2, 2031.') },
  },
  // --- unanswerable -------------------------------------------------------------------------
  {
    id: 'x1', question: 'Who was the first mayor of Orsk?', category: 'unanswerable', answers: [], sourceDocIds: [], nearMissDocIds: ['orsk-v2'],
    script: {
      // The judge is fooled; on an unanswerable question only declining is correct anyway.
      'closed-book': w('The first mayor of Orsk was Aldo Renn.', { judge: { verdict: 'correct' } }),
      rag: no('The context does not say who the first mayor was.'),
    },
  },
  {
    id: 'x2', question: 'What is the population of Tarn Island?', category: 'unanswerable', answers: [], sourceDocIds: [], nearMissDocIds: ['tarn'],
    script: { 'closed-book': w('Tarn Island has about 2,400 residents.'), rag: EMPTY },
  },
  {
    id: 'x3', question: 'How tall is the Velm bridge?', category: 'unanswerable', answers: [], sourceDocIds: [], nearMissDocIds: ['velm-bridge'],
    script: { 'closed-book': no('It is not possible to determine the height from what I know.'), rag: w('The Velm bridge is 48 metres tall.') },
  },
  {
    id: 'x4', question: 'Who founded Kestrel Yard?', category: 'unanswerable', answers: [], sourceDocIds: [], nearMissDocIds: ['kestrel'],
    script: { 'closed-book': no('Unknown'), rag: no('No information is available about who founded Kestrel Yard.') },
  },
];

export interface Label {
  correct: boolean;
  abstained: boolean;
  hallucinated: boolean;
  freshness: 'current' | 'stale' | 'missing' | 'wrong' | 'error' | null;
  error: 'empty' | null;
}

/** The record fields an answer of this kind must get, by the definitions in src/results/schema.ts. */
export function labelOf(category: Category, kind: Kind): Label {
  const fresh = category === 'updated' || category === 'new';
  const f = (x: Label['freshness']) => (fresh ? x : null);
  switch (kind) {
    case 'right':
      return { correct: true, abstained: false, hallucinated: false, freshness: f('current'), error: null };
    case 'stale':
      return { correct: false, abstained: false, hallucinated: true, freshness: f('stale'), error: null };
    case 'refused':
      return { correct: category === 'unanswerable', abstained: true, hallucinated: false, freshness: f('missing'), error: null };
    case 'wrong':
      return { correct: false, abstained: false, hallucinated: true, freshness: f('wrong'), error: null };
    case 'empty':
      return { correct: false, abstained: false, hallucinated: false, freshness: f('error'), error: 'empty' };
  }
}

/** The judge's reply for an answer of this kind when the script gives none: it agrees with the intended outcome. */
export function judgeReplyOf(q: ScriptedQuestion, s: Scripted): string {
  const j = s.judge;
  if (j && 'raw' in j) return j.raw;
  const verdict: JudgeVerdict = j?.verdict ?? (s.kind === 'right' ? 'correct' : s.kind === 'refused' ? 'abstained' : 'incorrect');
  const matchesStale = j ? (j.matchesStale ?? false) : s.kind === 'stale';
  return JSON.stringify({ reason: `Scripted verdict for ${q.id}.`, verdict, matchesStale });
}

/** Writes the dataset to a new temp folder and returns it. */
export function writeChatDataset(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ragvft-chat-ds-'));
  const questions = QUESTIONS.map(({ script: _s, ...q }) => ({ ...q, asOf: AS_OF }));
  const manifest = { schemaVersion: 1, name: 'orsk-chat', description: 'Scripted chat-style answers (test fixture)', trainingCutoff: TRAINING_CUTOFF, corpus: 'corpus.jsonl', questions: 'questions.jsonl' };
  writeFileSync(join(dir, 'dataset.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'corpus.jsonl'), DOCS.map((d) => JSON.stringify(d)).join('\n') + '\n');
  writeFileSync(join(dir, 'questions.jsonl'), questions.map((q) => JSON.stringify(q)).join('\n') + '\n');
  return dir;
}

const byText = new Map(QUESTIONS.map((q) => [q.question, q]));

/** What a chat request to the answering model is for: the question (from the prompt the harness built) and the pipeline. */
export function answerCallOf(p: PromptInfo): { q: ScriptedQuestion; pipeline: Pipeline } {
  const m = /Question \(asked on [^)]*\): (.*)\nAnswer:$/.exec(p.user);
  const q = m ? byText.get(m[1]) : undefined;
  if (!q) throw new Error(`no scripted question in prompt: ${p.user.slice(-200)}`);
  return { q, pipeline: p.user.startsWith('Context:\n') ? 'rag' : 'closed-book' };
}

/** The question and graded answer of a judge request (the default judge prompt). */
export function judgeCallOf(p: PromptInfo): { q: ScriptedQuestion; answer: string } {
  const question = /^Question: (.*)$/m.exec(p.user)?.[1];
  const answer = /<answer>\n([\s\S]*?)\n<\/answer>/.exec(p.user)?.[1];
  const q = question === undefined ? undefined : byText.get(question);
  if (!q || answer === undefined) throw new Error(`not a judge prompt for a scripted question: ${p.user.slice(0, 200)}`);
  return { q, answer };
}

export const isJudge = (p: PromptInfo) => p.model === JUDGE_MODEL_ID;

/** The scripted entry a judge request grades (answers are distinct per question, so this is unique). */
export function judgedEntry(p: PromptInfo): { q: ScriptedQuestion; pipeline: Pipeline; s: Scripted } {
  const { q, answer } = judgeCallOf(p);
  const hits = PIPELINES.filter((pl) => q.script[pl].answer === answer);
  if (hits.length !== 1) throw new Error(`judge asked about an unscripted answer to ${q.id}: ${JSON.stringify(answer)}`);
  return { q, pipeline: hits[0], s: q.script[hits[0]] };
}

/** Server `answer` option: the scripted answer, or the scripted judge reply. */
export function scriptedReply(p: PromptInfo): string {
  if (isJudge(p)) {
    const { q, s } = judgedEntry(p);
    return judgeReplyOf(q, s);
  }
  const { q, pipeline } = answerCallOf(p);
  return q.script[pipeline].answer;
}

/** Server `finishReason` option: `length` for the answers the script truncates. */
export function scriptedFinishReason(p: PromptInfo): string | undefined {
  if (isJudge(p)) return undefined;
  const { q, pipeline } = answerCallOf(p);
  return q.script[pipeline].truncated ? 'length' : undefined;
}
