/**
 * Dev loop for the local reader (not part of the product; reads any dataset you point it at).
 *
 *   npx tsx scripts/reader-eval.ts <bench config>[:tune|:report] ... [--show N]
 *
 * For each question it builds the prompts a bench builds (retrieved top-k chunks; closed-book) and
 * the gold document(s) alone, and asks the local models in process: the reader with retrieved
 * context (RAG), the reader given the gold documents ("reader on gold"), the fine-tuned memory
 * closed-book and memory + reader (hybrid). Lenient scorer. Prints answerable accuracy, RAG
 * abstention on unanswerable questions, hybrid vs max(RAG, fine-tuned) on static questions and
 * the expected calibration error (ECE) of the reader's confidence over all its RAG outcomes (an
 * abstention counts as a prediction "wrong with probability 1 - confidence": its confidence is
 * that of the answer declined). `:tune` / `:report` take one half of the questions by page.
 * A third line says where the reader's span ranking stands on answerable questions, with the
 * retrieved context and with the gold documents: how often a right answer is among its
 * candidates at all, and how often it is the one ranked first (before calibration and threshold).
 */
import { Command } from 'commander';
import { answerWithMemory, answerWithReader, type LocalAnswer } from '../src/models/local/answer.js';
import { expectedCalibrationError } from '../src/models/local/calibration.js';
import { rankCandidates, read, readCandidates } from '../src/models/local/reader.js';
import type { ParsedPrompt } from '../src/models/local/prompt.js';
import { READER_MODEL } from '../src/models/local/reader-model.js';
import type { Question } from '../src/dataset/schema.js';
import { loadDevSet } from './dev-data.js';

const program = new Command()
  .argument('<configs...>')
  .option('--show <n>', 'print up to n wrong RAG answers per set', '0')
  .option('--threshold <p>', "override the reader's answer threshold (what-if)")
  .parse();
const opts = program.opts<{ show: string; threshold?: string }>();
const show = Number(opts.show);
if (opts.threshold !== undefined) READER_MODEL.threshold = Number(opts.threshold);

interface Row {
  q: Question;
  rag: LocalAnswer;
  ragOk: boolean;
  /** Whether the reader's best answer (given or declined) is right: what its confidence predicts. */
  bestOk: boolean;
  gold: boolean | null;
  /** A right answer among the candidates / ranked first, with retrieved context and with the gold documents. */
  ranking: { ragHas: boolean; ragFirst: boolean; goldHas: boolean | null; goldFirst: boolean | null };
  ft: boolean;
  hybrid: boolean;
}

for (const spec of program.args) {
  const set = await loadDevSet(spec);
  const rows: Row[] = set.questions.map(({ q, rag, gold, closedBook }) => {
    const r = read(rag);
    const answer = answerWithReader(rag);
    const best = r.answer ?? r.best ?? '';
    const ranked = (p: ParsedPrompt) => {
      const { candidates } = readCandidates(p);
      const top = rankCandidates(candidates, READER_MODEL);
      return { has: candidates.some((c) => set.correct(q, c.text)), first: !!top && set.correct(q, top.candidate.text) };
    };
    const [ragRank, goldRank] = [ranked(rag), gold ? ranked(gold) : null];
    return {
      q,
      rag: answer,
      ragOk: set.correct(q, answer.text),
      bestOk: q.category !== 'unanswerable' && best !== '' && set.correct(q, best),
      gold: gold ? set.correct(q, answerWithReader(gold).text) : null,
      ranking: { ragHas: ragRank.has, ragFirst: ragRank.first, goldHas: goldRank?.has ?? null, goldFirst: goldRank?.first ?? null },
      ft: set.correct(q, answerWithMemory(closedBook, set.memory).text),
      hybrid: set.correct(q, answerWithMemory(rag, set.memory).text),
    };
  });
  const answerable = rows.filter((r) => r.q.category !== 'unanswerable');
  const unanswerable = rows.filter((r) => r.q.category === 'unanswerable');
  const staticRows = rows.filter((r) => r.q.category === 'static');
  const rate = (xs: Row[], f: (r: Row) => boolean | null) => (xs.length ? xs.filter((r) => f(r) === true).length / xs.length : NaN);
  const fmt = (x: number) => (Number.isNaN(x) ? '  -  ' : x.toFixed(3));
  const ece = expectedCalibrationError(rows.map((r) => ({ confidence: r.rag.confidence, correct: r.bestOk })));
  const maxStatic = Math.max(rate(staticRows, (r) => r.ragOk), rate(staticRows, (r) => r.ft));
  console.log(`\n${set.name}: ${rows.length} questions (${answerable.length} answerable, ${unanswerable.length} unanswerable)`);
  console.log(`  rag ${fmt(rate(answerable, (r) => r.ragOk))}  reader-on-gold ${fmt(rate(answerable, (r) => r.gold))}  fine-tuned ${fmt(rate(answerable, (r) => r.ft))}  hybrid ${fmt(rate(answerable, (r) => r.hybrid))}`);
  console.log(`  static: hybrid ${fmt(rate(staticRows, (r) => r.hybrid))} vs max(rag, ft) ${fmt(maxStatic)}   rag abstains (unanswerable) ${fmt(rate(unanswerable, (r) => r.ragOk))}   ECE ${fmt(ece)}`);
  const withGold = answerable.filter((r) => r.gold !== null);
  console.log(`  ranking: answer among candidates rag ${fmt(rate(answerable, (r) => r.ranking.ragHas))} gold ${fmt(rate(withGold, (r) => r.ranking.goldHas))}   ranked first rag ${fmt(rate(answerable, (r) => r.ranking.ragFirst))} gold ${fmt(rate(withGold, (r) => r.ranking.goldFirst))}`);
  for (const r of answerable.filter((x) => !x.ragOk).slice(0, show)) {
    console.log(`  [${r.q.id} ${r.q.category} gold=${r.gold}] ${r.q.question} (asOf ${r.q.asOf ?? '-'}) want ${JSON.stringify(r.q.answers)} got ${JSON.stringify(r.rag.text)} (${r.rag.confidence.toFixed(2)})`);
  }
}
