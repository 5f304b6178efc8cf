/**
 * Builds a ragvft dataset from a dictd dictionary (e.g. FOLDOC from Debian's `dict-foldoc`,
 * GFDL) and a hand-written question spec. Development data only: nothing in the product reads it.
 *
 *   npx tsx scripts/dictd-to-dataset.ts --dict foldoc.dict.dz --spec spec.jsonl --out <dir> \
 *     [--distractors 300] [--seed 1] [--name foldoc-qa]
 *
 * spec.jsonl, one question per line:
 *   {"doc": "<headword>", "q": "...", "a": ["answer", "alias"], "ft": ["training phrasing", ...]}
 *   {"near": "<headword>", "q": "...", "a": []}            (unanswerable; the entry looks relevant)
 * One answer of each question (yes/no aside) must occur in its entry's cleaned text. `ft` phrasings (never the benchmark
 * question itself) become the fine-tuning data: the first one per fact in the plain variant, all
 * of them in the paraphrase variant. The corpus holds every entry a question names plus
 * `--distractors` other entries drawn with a seeded PRNG. No timeline: every question is static.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Command } from 'commander';
import { z } from 'zod';
import { lenientTokens } from '../src/scoring/normalize.js';
import { mulberry32 } from '../src/util/rng.js';

const o = new Command()
  .requiredOption('--dict <file>', 'dictd .dict or .dict.dz file')
  .requiredOption('--spec <file>', 'question spec (JSONL)')
  .requiredOption('--out <dir>', 'dataset folder to write')
  .option('--distractors <n>', 'other entries in the corpus', '300')
  .option('--seed <n>', 'PRNG seed for the distractors', '1')
  .option('--name <name>', 'dataset name', 'foldoc-qa')
  .parse()
  .opts<{ dict: string; spec: string; out: string; distractors: string; seed: string; name: string }>();

const SpecLine = z.union([
  z.strictObject({ doc: z.string(), q: z.string(), a: z.array(z.string()).min(1), ft: z.array(z.string()).optional() }),
  z.strictObject({ near: z.string(), q: z.string(), a: z.array(z.string()).length(0) }),
]);

const SYSTEM = "Answer the question with a short phrase only. If you do not know the answer, reply exactly: I don't know";

/** Entries of a dictd text: a headword line at column 0, then an indented body. */
function entries(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let head: string | undefined;
  let body: string[] = [];
  const flush = () => {
    if (head !== undefined && !head.startsWith('00-database') && !out.has(head)) out.set(head, clean(body));
  };
  for (const line of text.split('\n')) {
    if (line && !/^\s/.test(line)) {
      flush();
      head = line.trim();
      body = [];
    } else body.push(line);
  }
  flush();
  return out;
}

/** Paragraphs joined from their wrapped lines; {cross-reference} braces and the leading <domain> tag dropped. */
function clean(lines: string[]): string {
  const paragraphs = lines
    .join('\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  return paragraphs
    .join('\n')
    .replace(/[{}]/g, '')
    .replace(/^(\d+\.\s*)?<[^>]+>\s*/gm, '$1')
    .trim();
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const contains = (text: string, answer: string) => ` ${lenientTokens(text).join(' ')} `.includes(` ${lenientTokens(answer).join(' ')} `);

const raw = readFileSync(o.dict);
const dict = entries((o.dict.endsWith('.dz') ? gunzipSync(raw) : raw).toString('utf8'));
const spec = readFileSync(o.spec, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l, i) => {
    const parsed = SpecLine.safeParse(JSON.parse(l));
    if (!parsed.success) throw new Error(`${o.spec}:${i + 1}: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  });

const named = new Set(spec.map((s) => ('doc' in s ? s.doc : s.near)));
for (const h of named) if (!dict.has(h)) throw new Error(`${o.spec}: no entry "${h}" in ${o.dict}`);
const rand = mulberry32(Number(o.seed));
const pool = [...dict.keys()].filter((h) => !named.has(h) && dict.get(h)!.length >= 300 && dict.get(h)!.length <= 3000).sort();
for (let i = pool.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [pool[i], pool[j]] = [pool[j]!, pool[i]!];
}
const heads = [...[...named].sort(), ...pool.slice(0, Number(o.distractors))];
const ids = new Map(heads.map((h) => [h, slug(h) || `entry-${heads.indexOf(h)}`]));
if (new Set(ids.values()).size !== ids.size) throw new Error('two headwords give the same document id');

const questions = spec.map((s, i) => {
  const id = `fq${String(i + 1).padStart(3, '0')}`;
  if ('near' in s) return { id, question: s.q, answers: [], category: 'unanswerable', sourceDocIds: [], nearMissDocIds: [ids.get(s.near)!] };
  const yesNo = s.a.every((a) => /^(yes|no)$/i.test(a));
  if (!yesNo && !s.a.some((a) => contains(dict.get(s.doc)!, a))) throw new Error(`${o.spec}:${i + 1}: no answer of ${JSON.stringify(s.a)} is in the entry "${s.doc}"`);
  return { id, question: s.q, answers: s.a, category: 'static', sourceDocIds: [ids.get(s.doc)!] };
});
const example = (q: string, a: string) => JSON.stringify({ messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: q }, { role: 'assistant', content: a }] });
const trained = spec.flatMap((s) => ('doc' in s && s.ft?.length ? [{ ft: s.ft, a: s.a[0]! }] : []));

mkdirSync(o.out, { recursive: true });
const jsonl = (rows: string[]) => `${rows.join('\n')}\n`;
writeFileSync(join(o.out, 'corpus.jsonl'), jsonl(heads.map((h) => JSON.stringify({ id: ids.get(h), title: h, text: dict.get(h), metadata: { source: 'FOLDOC via Debian dict-foldoc', licence: 'GFDL-1.1+' } }))));
writeFileSync(join(o.out, 'questions.jsonl'), jsonl(questions.map((q) => JSON.stringify(q))));
writeFileSync(join(o.out, 'finetune.plain.jsonl'), jsonl(trained.map((t) => example(t.ft[0]!, t.a))));
writeFileSync(join(o.out, 'finetune.paraphrase.jsonl'), jsonl(trained.flatMap((t) => t.ft.map((f) => example(f, t.a)))));
writeFileSync(
  join(o.out, 'dataset.json'),
  `${JSON.stringify({ schemaVersion: 1, name: o.name, description: `Hand-written questions over FOLDOC entries (GFDL), built by scripts/dictd-to-dataset.ts from ${o.spec}.`, corpus: 'corpus.jsonl', questions: 'questions.jsonl', finetune: { plain: 'finetune.plain.jsonl', paraphrase: 'finetune.paraphrase.jsonl' } }, null, 2)}\n`,
);
console.log(`${o.out}: ${heads.length} documents, ${questions.length} questions (${trained.length} facts in fine-tuning data)`);
