/**
 * Dev loop for the local reader (not part of the product; reads any dataset you point it at).
 *
 *   npx tsx scripts/reader-eval.ts --config <bench config> [--split tune|report|all] [--show N]
 *
 * For each question it builds the same prompts a bench builds (retrieved top-k chunks with the
 * config's retrieval settings, and the gold document(s) alone) and asks the local models directly,
 * in process: the reader with retrieved context (RAG), the reader given the gold documents
 * ("reader on gold"), the fine-tuned memory closed-book and memory + reader (hybrid). Scores use
 * the lenient scorer. Prints answerable accuracy, abstention on unanswerable questions, hybrid vs
 * max(RAG, fine-tuned) on static questions, and the expected calibration error (ECE) of the
 * reader's confidence. `--split` halves the questions by page (a hash of the gold document's
 * name), so you can tune on one half and report on the other.
 */
import { Command } from 'commander';
import { loadConfig } from '../src/config/load.js';
import { loadDataset } from '../src/dataset/load.js';
import type { Document, Question } from '../src/dataset/schema.js';
import { ensureLocalFinetune } from '../src/models/finetune.js';
import { answerWithMemory, answerWithReader, type LocalAnswer } from '../src/models/local/answer.js';
import { expectedCalibrationError } from '../src/models/local/calibration.js';
import { Memory } from '../src/models/local/memory.js';
import { parseUserPrompt } from '../src/models/local/prompt.js';
import { loadLocalFinetune } from '../src/models/local/train.js';
import { formatContext, renderTemplate } from '../src/pipelines/prompt.js';
import type { Chunk } from '../src/retrieval/chunk.js';
import { buildRetriever } from '../src/retrieval/setup.js';
import { createAbstentionDetector, scoreAnswer } from '../src/scoring/index.js';

const program = new Command()
  .requiredOption('-c, --config <file>', 'bench config')
  .option('--split <part>', 'tune | report | all', 'all')
  .option('--show <n>', 'print up to n wrong RAG answers', '0')
  .option('--model <name>', 'fine-tune (finetune entry) for the memory', 'ft-paraphrase')
  .parse();
const o = program.opts<{ config: string; split: string; show: string; model: string }>();

const { config, datasetPath } = await loadConfig(o.config);
const dataset = await loadDataset(datasetPath);
const docs = new Map(dataset.documents.map((d) => [d.id, d]));

/** Tune/report halves by page: a document's versions (`x-v2`) share their page. */
function part(q: Question): 'tune' | 'report' {
  const key = (q.sourceDocIds[0] ?? q.id).replace(/-v\d+$/, '');
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 2 === 0 ? 'tune' : 'report';
}
const questions = dataset.questions.filter((q) => o.split === 'all' || part(q) === o.split);

const quiet = { log: () => {}, start: () => ({ tick: () => {}, done: () => {} }) };
const { retriever } = await buildRetriever(config, dataset, quiet, { embeddingModel: () => { throw new Error('local only'); } });
const ft = await ensureLocalFinetune(o.model, config, dataset);
const memory = new Memory(await loadLocalFinetune(ft.dir));
const isAbstention = createAbstentionDetector(config.scoring.abstentionPatterns);

const prompt = (q: Question, chunks: readonly Chunk[]) =>
  renderTemplate(config.prompts.withContext, { context: formatContext(chunks), question: q.question, asOf: q.asOf ?? 'an unspecified date' });
const closedBook = (q: Question) => renderTemplate(config.prompts.closedBook, { question: q.question, asOf: q.asOf ?? 'an unspecified date' });
const asChunk = (d: Document, index: number): Chunk => ({ id: `${d.id}#gold`, docId: d.id, title: d.title, text: d.text, validFrom: d.validFrom, validTo: d.validTo, index });

interface Row {
  q: Question;
  rag: LocalAnswer;
  ragOk: boolean;
  gold: boolean | null;
  ft: boolean;
  hybrid: boolean;
}
const rows: Row[] = [];
const ok = (q: Question, a: LocalAnswer) => scoreAnswer(q, a.text, isAbstention).lenient.correct;
for (const q of questions) {
  const r = await retriever.retrieve(q.question, config.retrieval.temporalFilter ? (q.asOf ?? null) : null);
  const ragPrompt = parseUserPrompt(prompt(q, r.chunks));
  const rag = answerWithReader(ragPrompt);
  const goldDocs = q.sourceDocIds.map((id) => docs.get(id)!);
  const gold = goldDocs.length ? ok(q, answerWithReader(parseUserPrompt(prompt(q, goldDocs.map(asChunk))))) : null;
  rows.push({
    q,
    rag,
    ragOk: ok(q, rag),
    gold,
    ft: ok(q, answerWithMemory(parseUserPrompt(closedBook(q)), memory)),
    hybrid: ok(q, answerWithMemory(ragPrompt, memory)),
  });
}

const answerable = rows.filter((r) => r.q.category !== 'unanswerable');
const unanswerable = rows.filter((r) => r.q.category === 'unanswerable');
const staticRows = rows.filter((r) => r.q.category === 'static');
const rate = (xs: Row[], f: (r: Row) => boolean | null) => (xs.length ? xs.filter((r) => f(r) === true).length / xs.length : NaN);
const fmt = (x: number) => (Number.isNaN(x) ? '  -  ' : x.toFixed(3));
const answered = rows.filter((r) => r.rag.source === 'reader');
const ece = expectedCalibrationError(answered.map((r) => ({ confidence: r.rag.confidence, correct: r.ragOk })));

console.log(`${dataset.manifest.name} split=${o.split}: ${rows.length} questions (${answerable.length} answerable, ${unanswerable.length} unanswerable)`);
console.log(`rag answerable      ${fmt(rate(answerable, (r) => r.ragOk))}`);
console.log(`reader on gold      ${fmt(rate(answerable, (r) => r.gold))}`);
console.log(`fine-tuned          ${fmt(rate(answerable, (r) => r.ft))}`);
console.log(`hybrid              ${fmt(rate(answerable, (r) => r.hybrid))}`);
const maxStatic = Math.max(rate(staticRows, (r) => r.ragOk), rate(staticRows, (r) => r.ft));
console.log(`static: hybrid      ${fmt(rate(staticRows, (r) => r.hybrid))} vs max(rag, ft) ${fmt(maxStatic)}`);
console.log(`rag abstains (unans) ${fmt(rate(unanswerable, (r) => r.ragOk))}`);
console.log(`rag answered ${answered.length}, right ${answered.filter((r) => r.ragOk).length}; ECE ${fmt(ece)}`);

const show = Number(o.show);
for (const r of answerable.filter((x) => !x.ragOk).slice(0, show)) {
  console.log(`\n[${r.q.id} ${r.q.category} gold=${r.gold}] ${r.q.question}  (asOf ${r.q.asOf ?? '-'})`);
  console.log(`  want ${JSON.stringify(r.q.answers)}  got ${JSON.stringify(r.rag.text)} (${r.rag.confidence.toFixed(2)})`);
}
