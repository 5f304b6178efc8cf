/**
 * Converts SQuAD-format JSON (v1.1 or v2.0: `{ data: [{ title, paragraphs: [{ context, qas }] }] }`)
 * into a ragvft dataset folder, for development on real prose. Use a *train* split: dev and test
 * splits are reserved for checks.
 *
 *   npx tsx scripts/convert-squad.ts --src train-v1.1.json --out <folder> [--name squad-train-sample]
 *     [--questions 400] [--seed 1] [--held-out-articles 1]
 *
 * - corpus: one document per paragraph of the articles kept (title = the article's title);
 * - questions: `--questions` answerable questions drawn (seeded) round-robin across articles, all
 *   `static` (no timeline), gold = their paragraph, answers = SQuAD's distinct answer texts;
 * - unanswerable: SQuAD 2.0's impossible questions (their paragraph as `nearMissDocIds`), and the
 *   questions of the last `--held-out-articles` articles, whose paragraphs are left out of the
 *   corpus (about a fifth as many as the answerable ones);
 * - fine-tuning (`plain`, `paraphrase`): the *other* questions of the corpus' paragraphs, never
 *   the questions asked, so the fine-tuned model must carry facts across phrasings. `plain` has one
 *   per paragraph, `paraphrase` all of them (several phrasings of many facts).
 *
 * The output is byte-identical for the same input and options. Development tooling only.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { mulberry32 } from '../src/stats/rng.js';

const SquadSchema = z.object({
  data: z.array(
    z.object({
      title: z.string(),
      paragraphs: z.array(
        z.object({
          context: z.string(),
          qas: z.array(z.object({ id: z.string(), question: z.string(), answers: z.array(z.object({ text: z.string() })), is_impossible: z.boolean().optional() })),
        }),
      ),
    }),
  ),
});

const SYSTEM = "Answer the question with a short phrase only. If you do not know the answer, reply exactly: I don't know";

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

function shuffled<T>(xs: readonly T[], rand: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface Qa {
  id: string;
  question: string;
  answers: string[];
  docId: string;
  impossible: boolean;
}

function main() {
  const { values } = parseArgs({
    options: {
      src: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string', default: 'squad-train-sample' },
      questions: { type: 'string', default: '400' },
      seed: { type: 'string', default: '1' },
      'held-out-articles': { type: 'string', default: '1' },
    },
  });
  if (!values.src || !values.out) throw new Error('usage: convert-squad.ts --src <squad.json> --out <folder> [--name n] [--questions 400] [--seed 1] [--held-out-articles 1]');
  const articles = SquadSchema.parse(JSON.parse(readFileSync(values.src, 'utf8'))).data;
  const heldOut = Number(values['held-out-articles']);
  const kept = articles.slice(0, articles.length - heldOut);
  const rand = mulberry32(Number(values.seed));

  const docs: { id: string; title: string; text: string }[] = [];
  const byArticle: Qa[][] = [];
  for (const a of kept) {
    const qas: Qa[] = [];
    a.paragraphs.forEach((p, i) => {
      const docId = `${slug(a.title)}-p${String(i + 1).padStart(3, '0')}`;
      docs.push({ id: docId, title: a.title.replace(/_/g, ' '), text: p.context.trim() });
      for (const q of p.qas) qas.push({ id: q.id, question: q.question.trim(), answers: [...new Set(q.answers.map((x) => x.text.trim()).filter(Boolean))], docId, impossible: q.is_impossible === true });
    });
    byArticle.push(shuffled(qas, rand));
  }

  // Round-robin over articles, so no single article dominates the sample.
  const wanted = Number(values.questions);
  const asked: Qa[] = [];
  const answerable = () => asked.filter((q) => !q.impossible).length;
  for (let round = 0; answerable() < wanted && byArticle.some((qs) => qs.length > round); round++) {
    for (const qs of byArticle) {
      const q = qs[round];
      if (!q || (!q.impossible && (answerable() >= wanted || q.answers.length === 0))) continue;
      asked.push(q);
    }
  }
  const askedIds = new Set(asked.map((q) => q.id));
  const heldOutQuestions = articles
    .slice(articles.length - heldOut)
    .flatMap((a) => a.paragraphs.flatMap((p) => p.qas))
    .filter((q) => !q.is_impossible);
  const unanswerableHeldOut = shuffled(heldOutQuestions, rand).slice(0, Math.ceil(wanted / 5));

  const questions = [
    ...asked.map((q) =>
      q.impossible
        ? { id: `sq-${q.id}`, question: q.question, answers: [], category: 'unanswerable', nearMissDocIds: [q.docId] }
        : { id: `sq-${q.id}`, question: q.question, answers: q.answers, category: 'static', sourceDocIds: [q.docId] },
    ),
    ...unanswerableHeldOut.map((q) => ({ id: `sq-${q.id}`, question: q.question.trim(), answers: [], category: 'unanswerable', metadata: { heldOutArticle: true } })),
  ];

  // Fine-tuning: every question of the corpus' paragraphs that is not asked.
  const training = byArticle.flat().filter((q) => !askedIds.has(q.id) && !q.impossible && q.answers.length > 0);
  training.sort((x, y) => (x.docId < y.docId ? -1 : x.docId > y.docId ? 1 : x.id < y.id ? -1 : 1));
  const example = (q: Qa) => JSON.stringify({ messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: q.question }, { role: 'assistant', content: q.answers[0] }] });
  const firstPerDoc = training.filter((q, i) => i === 0 || training[i - 1]!.docId !== q.docId);

  const out = values.out;
  mkdirSync(out, { recursive: true });
  const jsonl = (rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
  writeFileSync(
    join(out, 'dataset.json'),
    `${JSON.stringify(
      {
        schemaVersion: 1,
        name: values.name,
        description: `SQuAD-format sample converted by scripts/convert-squad.ts (seed ${values.seed}): ${docs.length} paragraphs of ${kept.length} articles, ${questions.length} questions. Wikipedia text, CC BY-SA.`,
        corpus: 'corpus.jsonl',
        questions: 'questions.jsonl',
        finetune: { plain: 'finetune.plain.jsonl', paraphrase: 'finetune.paraphrase.jsonl' },
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(join(out, 'corpus.jsonl'), jsonl(docs));
  writeFileSync(join(out, 'questions.jsonl'), jsonl(questions));
  writeFileSync(join(out, 'finetune.plain.jsonl'), jsonl(firstPerDoc.map(example)));
  writeFileSync(join(out, 'finetune.paraphrase.jsonl'), jsonl(training.map(example)));
  process.stdout.write(
    `${out}: ${docs.length} documents (${kept.length} articles), ${questions.length} questions ` +
      `(${questions.filter((q) => q.category === 'static').length} answerable, ${questions.filter((q) => q.category === 'unanswerable').length} unanswerable), ` +
      `fine-tuning ${firstPerDoc.length} plain / ${training.length} paraphrase examples\n`,
  );
}

main();

