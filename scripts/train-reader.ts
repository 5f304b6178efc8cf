/**
 * Fits the local reader's parameters (src/models/local/reader-model.ts) on development data and
 * writes them, with figures on questions held out from fitting. Development only.
 *
 *   npx tsx scripts/train-reader.ts --train <config>[:tune] ... --heldout <config>[:report] ...
 *     [--keep-scorer] [--write]
 *
 * 1. Candidate scorer: listwise softmax regression (the right candidates of a question, by the
 *    lenient scorer, against its other candidates) on the reader's features, over every training
 *    question's candidates from its retrieved context and from its gold documents; each training
 *    set weighs the same. `--keep-scorer` keeps the current weights instead (to refit only the
 *    calibrations below).
 * 2. Calibration: logistic regression of "the best candidate is right" on confidenceFeatures,
 *    over the training questions with retrieved context (unanswerable ones: never right).
 * 3. Threshold: the lowest probability (in steps of 0.01) above which to answer at which every
 *    training set still abstains on 70% of its unanswerable questions.
 * 4. Memory calibration (hybrid): logistic regressions of "the memory's answer is right" and of
 *    "the reader's answer is right", over the questions where the reader does not give the same
 *    answer and the context does not state the memory's (answer.ts), on the memory's softmax
 *    probability and the reader's confidence.
 * 5. Hybrid override bar: the reader confidence from which its answer overrules a memory answer
 *    that the context does not state, maximising hybrid accuracy on answerable training questions.
 * Yes/no calibration stays hand-set: no training set has yes/no questions.
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { expectedCalibrationError, fitLogistic, fitSoftmaxRanker, predictLogistic } from '../src/models/local/calibration.js';
import { combine } from '../src/models/local/answer.js';
import { MEMORY_THRESHOLD } from '../src/models/local/memory.js';
import { answerKey, confidenceFeatures, FEATURES, linear, rankCandidates, readCandidates, readWithCandidates, supports, unstated } from '../src/models/local/reader.js';
import { READER_MODEL, type ReaderModel } from '../src/models/local/reader-model.js';
import { lenientJudgement } from '../src/scoring/index.js';
import { type DevSet, loadDevSet } from './dev-data.js';

const o = new Command()
  .option('--train <specs...>', 'training sets', [])
  .option('--heldout <specs...>', 'held-out sets (figures only)', [])
  .option('--keep-scorer', "keep the current candidate scorer's weights; refit the rest")
  .option('--write', 'write src/models/local/reader-model.ts')
  .parse()
  .opts<{ train: string[]; heldout: string[]; keepScorer?: boolean; write?: boolean }>();

const train = await Promise.all(o.train.map((s) => loadDevSet(s)));
const heldout = await Promise.all(o.heldout.map((s) => loadDevSet(s)));
/** Candidates of each prompt, computed once. */
const cache = new Map<object, ReturnType<typeof readCandidates>['candidates']>();
const candidatesOf = (p: Parameters<typeof readCandidates>[0]) => {
  if (!cache.has(p)) cache.set(p, readCandidates(p).candidates);
  return cache.get(p)!;
};
const right = (answer: string, answers: readonly string[], question: string) => answers.length > 0 && lenientJudgement(answer, answers, { question }).correct;

// 1. Candidate scorer: listwise (softmax over each question's candidates), or the current one
// kept, matched by feature name (a feature it lacks weighs 0).
const groups: { xs: number[][]; ys: boolean[]; weight: number }[] = [];
for (const set of o.keepScorer ? [] : train) {
  const prompts = set.questions.flatMap(({ q, rag, gold }) => (gold ? [{ q, p: rag }, { q, p: gold }] : [{ q, p: rag }]));
  for (const { q, p } of prompts) {
    const candidates = candidatesOf(p);
    groups.push({ xs: candidates.map((c) => c.x), ys: candidates.map((c) => right(c.text, q.answers, q.question)), weight: 1 / prompts.length });
  }
}
const scorer = o.keepScorer
  ? { w: FEATURES.map((f) => READER_MODEL.weights[READER_MODEL.features.indexOf(f)] ?? 0), b: READER_MODEL.bias }
  : fitSoftmaxRanker(groups, { iterations: 2000, rate: 4, l2: 1e-5 });
// Retrieval with the temporal filter never shows a stale version, so the data cannot teach what
// one is worth: a fixed penalty (a superseded passage's span loses to a current one's of equal
// evidence, as in the rule-based reader).
const STALE_PENALTY = -3;
scorer.w[FEATURES.indexOf('stale')] = STALE_PENALTY;
// Likewise a span named by the asked kind ("which river" -> "the river Sunne") is too rare in the
// training sets to get a weight, and too strong a clue to leave at 0: a fixed bonus.
const OF_KIND_BONUS = 2;
scorer.w[FEATURES.indexOf('ofKind')] = OF_KIND_BONUS;
let model: ReaderModel = { ...READER_MODEL, weights: scorer.w, bias: scorer.b };

// 2. Calibration of the best candidate.
const best = (set: DevSet, m: ReaderModel) =>
  set.questions.map(({ q, rag }) => {
    const candidates = candidatesOf(rag);
    const scores = candidates.map((c) => linear(m, c.x));
    const top = rankCandidates(candidates, m);
    // Questions the reader declines outright (unstated) never reach the calibration.
    const f = top && !unstated(top.candidate) ? confidenceFeatures(candidates, scores, candidates.indexOf(top.candidate)) : undefined;
    return { q, top, f, ok: !!top && right(top.candidate.text, q.answers, q.question) };
  });
const trainBest = train.flatMap((s) => best(s, model).map((b) => ({ ...b, w: 1 / s.questions.length })));
const withTop = trainBest.filter((b) => b.f);
model = { ...model, calibration: fitLogistic(withTop.map((b) => b.f!), withTop.map((b) => b.ok), { sampleWeights: withTop.map((b) => b.w), iterations: 3000, rate: 0.5 }) };

// 3. Threshold.
const figures = (rows: ReturnType<typeof best>, m: ReaderModel, threshold: number) => {
  // The reader's own confidence (calibration x type factor) with `m`'s calibration.
  const conf = (r: (typeof rows)[number]) => (r.f && r.top ? predictLogistic(m.calibration, r.f) * Math.min(1, r.top.candidate.x[FEATURES.indexOf('fit')]! / 0.75) : 0);
  const answerable = rows.filter((r) => r.q.category !== 'unanswerable');
  const unanswerable = rows.filter((r) => r.q.category === 'unanswerable');
  const accuracy = answerable.filter((r) => r.ok && conf(r) >= threshold).length / Math.max(1, answerable.length);
  const abstention = unanswerable.filter((r) => conf(r) < threshold).length / Math.max(1, unanswerable.length);
  const ece = expectedCalibrationError(rows.map((r) => ({ confidence: conf(r), correct: r.ok })));
  const top1 = answerable.filter((r) => r.ok && r.f).length / Math.max(1, answerable.length);
  return { questions: rows.length, accuracy, abstention, ece, top1 };
};
// The lowest threshold at which the training sets abstain, on average over the sets, on at least
// MIN_ABSTENTION of their unanswerable questions (a set with a dozen of them is too noisy to
// bind alone): answering is what earns accuracy, abstaining only pays on questions
// the context cannot answer (the target is 0.70; 0.80 keeps a margin for unseen text).
const MIN_ABSTENTION = 0.7;
let threshold = 0.95;
for (let t = 0.01; t <= 0.951; t += 0.01) {
  if (train.every((s) => figures(best(s, model), model, t).abstention >= MIN_ABSTENTION)) {
    threshold = Math.round(t * 100) / 100;
    break;
  }
}
model = { ...model, threshold };

// 4. Memory calibration, where the reader disagrees (what hybrid decides on).
// The reader's answer is recalibrated on the same cases (where it gave one).
const disagreements = train.map((set) =>
  set.questions.flatMap(({ q, rag }) => {
    const m = set.memory.predict(q.question);
    if (!m || m.probability < MEMORY_THRESHOLD) return [];
    const { result: r, candidates } = readWithCandidates(rag, model);
    if ((r.answer && answerKey(r.answer) === answerKey(m.answer)) || supports(candidates, m.answer)) return [];
    const answerable = q.category !== 'unanswerable';
    return [{ x: [m.probability, r.answer ? r.confidence : 0], memoryOk: answerable && set.correct(q, m.answer), readerOk: r.answer ? answerable && set.correct(q, r.answer) : undefined }];
  }),
);
// Each training set weighs the same however many disagreements it has.
const fitOn = (rows: (typeof disagreements)[number][], y: (r: (typeof rows)[number][number]) => boolean | undefined) => {
  const used = rows.map((set) => set.filter((r) => y(r) !== undefined));
  const all = used.flat();
  const weights = used.flatMap((set) => set.map(() => 1 / set.length));
  return fitLogistic(all.map((r) => r.x), all.map((r) => y(r)!), { sampleWeights: weights, iterations: 3000, rate: 0.5 });
};
model = { ...model, memory: fitOn(disagreements, (r) => r.memoryOk), readerVsMemory: fitOn(disagreements, (r) => r.readerOk) };

// 5. Hybrid override bar: the reader confidence from which a reading overrules a memory answer
// the context does not state, maximising hybrid answerable accuracy (mean over the sets).
const hybridCases = train.map((set) =>
  set.questions
    .filter(({ q }) => q.category !== 'unanswerable')
    .map(({ q, rag }) => {
      const m = set.memory.predict(q.question);
      const { result, candidates } = readWithCandidates(rag, model);
      return { q, set, result, candidates, known: m && m.probability >= MEMORY_THRESHOLD ? m : undefined };
    }),
);
let hybridOverride = 0.5;
let bestHybrid = -1;
for (let bar = 0; bar <= 1.001; bar += 0.05) {
  const acc = hybridCases.reduce((a, cases) => a + cases.filter((c) => c.set.correct(c.q, combine(c.result, c.candidates, c.known, { ...model, hybridOverride: bar }).text)).length / Math.max(1, cases.length), 0) / hybridCases.length;
  if (acc > bestHybrid + 1e-9) [bestHybrid, hybridOverride] = [acc, Math.round(bar * 100) / 100];
}
model = { ...model, hybridOverride };

const heldOut: Record<string, number> = {};
for (const s of heldout) {
  const f = figures(best(s, model), model, model.threshold);
  for (const [k, v] of Object.entries(f)) heldOut[`${s.name} ${k}`] = Math.round(v * 1000) / 1000;
}
for (const s of train) {
  const f = figures(best(s, model), model, model.threshold);
  console.log(`train ${s.name}: ${JSON.stringify(f)}`);
}
console.log(`held out: ${JSON.stringify(heldOut, null, 1)}`);
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
const fitted: ReaderModel = {
  features: [...FEATURES],
  weights: model.weights.map(r4),
  bias: r4(model.bias),
  calibration: { w: model.calibration.w.map(r4), b: r4(model.calibration.b) },
  yesNo: READER_MODEL.yesNo,
  threshold: model.threshold,
  hybridOverride: model.hybridOverride,
  memory: { w: model.memory.w.map(r4), b: r4(model.memory.b) },
  readerVsMemory: { w: model.readerVsMemory.w.map(r4), b: r4(model.readerVsMemory.b) },
  // A kept scorer was fitted earlier: say on what, so the provenance stays true of every part.
  provenance: { trainedOn: `${train.map((s) => s.name).join(', ')}${o.keepScorer ? ` (candidate scorer kept from a fit on ${READER_MODEL.provenance.trainedOn.replace(/ \(candidate scorer kept.*$/, '')})` : ''}`, heldOut },
};
console.log(FEATURES.map((f, i) => `${f} ${fitted.weights[i]}`).join('  '));
console.log(`bias ${fitted.bias} calibration ${JSON.stringify(fitted.calibration)} threshold ${threshold} hybridOverride ${hybridOverride} memory ${JSON.stringify(fitted.memory)} readerVsMemory ${JSON.stringify(fitted.readerVsMemory)}`);

if (o.write) {
  const path = new URL('../src/models/local/reader-model.ts', import.meta.url);
  const header = `/**
 * The reader's learned parameters, written by scripts/train-reader.ts (do not edit by hand):
 * candidate-scorer weights, calibration, answer threshold and the memory's calibration for hybrid.
 * \`provenance\` names the questions they were fitted on and the figures on questions held out.
 * The yes/no calibration is hand-set (no training set has yes/no questions).
 */
import type { ReaderModel } from './reader-params.js';

export type { ReaderModel };

export const READER_MODEL: ReaderModel = ${JSON.stringify(fitted, null, 2)};
`;
  writeFileSync(path, header);
  console.log(`wrote ${path.pathname}`);
}
