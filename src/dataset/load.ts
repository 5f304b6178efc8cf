import { dirname, join, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { InputError } from '../util/errors.js';
import { sha256 } from '../util/hash.js';
import { describeZodError, parseJsonText, readInputFile } from '../util/input.js';
import { containsSequence } from '../scoring/lenient.js';
import { lenientTokens } from '../scoring/normalize.js';
import { canRead, isRestricted } from './access.js';
import { type JsonlRow, parseJsonl } from './jsonl.js';
import {
  type Dataset,
  DatasetManifestSchema,
  type Document,
  DocumentSchema,
  type FinetuneExample,
  FinetuneExampleSchema,
  type Question,
  QuestionSchema,
} from './schema.js';

/** Accepts a dataset folder or the path of its dataset.json. */
export function manifestPath(pathOrDir: string): string {
  const p = resolve(pathOrDir);
  try {
    if (statSync(p).isDirectory()) return join(p, 'dataset.json');
  } catch {
    /* fall through: readInputFile reports the missing file */
  }
  return p;
}

/** True when the dataset has a training cutoff, so `updated`/`new` questions and freshness mean something. */
export function hasTimeline(dataset: { manifest: { trainingCutoff?: string } }): boolean {
  return dataset.manifest.trainingCutoff !== undefined;
}

/** The day a question is asked, or null: no asOf means no temporal filtering. */
export function questionDate(q: Pick<Question, 'asOf'>): string | null {
  return q.asOf ?? null;
}

/** Document versions valid on `date` (validFrom <= date < validTo; a missing bound is open). */
export function isValidOn(doc: { validFrom?: string; validTo?: string }, date: string): boolean {
  return (!doc.validFrom || doc.validFrom <= date) && (!doc.validTo || date < doc.validTo);
}

/** "valid from 2020-01-01 until 2030-09-01 (exclusive)", for messages. */
function validity(d: Pick<Document, 'validFrom' | 'validTo'>): string {
  const from = d.validFrom ? `from ${d.validFrom}` : 'from the beginning';
  return `valid ${from} ${d.validTo ? `until ${d.validTo} (exclusive)` : 'with no end'}`;
}

/** Loads and cross-checks a dataset. Throws InputError naming file, line and field on the first problem. */
export async function loadDataset(pathOrDir: string): Promise<Dataset> {
  if (/\.jsonl$/i.test(pathOrDir)) {
    throw new InputError('is a JSONL file, not a dataset: point at the dataset folder or its dataset.json', { file: resolve(pathOrDir) });
  }
  const mPath = manifestPath(pathOrDir);
  const dir = dirname(mPath);
  const mText = await readInputFile(mPath);
  const m = DatasetManifestSchema.safeParse(parseJsonText(mText, mPath));
  if (!m.success) {
    const { field, message } = describeZodError(m.error);
    throw new InputError(message, { file: mPath, field });
  }
  const manifest = m.data;

  const corpusPath = join(dir, manifest.corpus);
  const questionsPath = join(dir, manifest.questions);
  const corpusText = await readInputFile(corpusPath);
  const questionsText = await readInputFile(questionsPath);
  const docRows = parseJsonl(corpusText, DocumentSchema, corpusPath);
  const qRows = parseJsonl(questionsText, QuestionSchema, questionsPath);

  const docs = checkCorpus(docRows, corpusPath);
  checkQuestions(qRows, docs, manifest.trainingCutoff, { questionsPath, manifestPath: mPath });
  if (qRows.length === 0) throw new InputError('no questions', { file: questionsPath });
  if (docRows.length === 0) throw new InputError('no documents', { file: corpusPath });

  const finetuneTexts = await Promise.all(Object.values(manifest.finetune).map((f) => readInputFile(join(dir, f))));
  const hash = sha256([mText, corpusText, questionsText, ...finetuneTexts].join('\u0000'));
  return { dir, manifest, documents: [...docs.values()], questions: qRows.map((r) => r.value), hash };
}

/** Ids, validity ranges and `supersedes` links; two versions of one document must not be valid on the same day. */
function checkCorpus(docRows: JsonlRow<Document>[], corpusPath: string): Map<string, Document> {
  const docs = new Map<string, Document>();
  const lineOf = new Map<string, number>();
  for (const { value: d, line } of docRows) {
    if (docs.has(d.id)) throw new InputError(`duplicate document id "${d.id}"`, { file: corpusPath, line, field: 'id' });
    if (d.validTo && d.validFrom && d.validTo <= d.validFrom) throw new InputError(`validTo ${d.validTo} is not after validFrom ${d.validFrom}`, { file: corpusPath, line, field: 'validTo' });
    docs.set(d.id, d);
    lineOf.set(d.id, line);
  }
  const supersededBy = new Map<string, string>();
  for (const { value: d, line } of docRows) {
    if (!d.supersedes) continue;
    if (!docs.has(d.supersedes)) throw new InputError(`supersedes unknown document "${d.supersedes}"`, { file: corpusPath, line, field: 'supersedes' });
    if (d.supersedes === d.id) throw new InputError('a document cannot supersede itself', { file: corpusPath, line, field: 'supersedes' });
    const prior = supersededBy.get(d.supersedes);
    if (prior) throw new InputError(`document "${d.supersedes}" is already superseded by "${prior}"`, { file: corpusPath, line, field: 'supersedes' });
    supersededBy.set(d.supersedes, d.id);
  }
  // Each document supersedes at most one and is superseded at most once: the versions form chains.
  // Walk each chain from its newest version (superseded by nobody) back to its oldest.
  const seen = new Set<string>();
  for (const { value: head } of docRows) {
    if (supersededBy.has(head.id)) continue;
    const chain: Document[] = [];
    for (let d: Document | undefined = head; d; d = d.supersedes ? docs.get(d.supersedes) : undefined) {
      chain.push(d);
      seen.add(d.id);
    }
    for (let i = 0; i < chain.length; i++) {
      for (let j = i + 1; j < chain.length; j++) {
        const [newer, older] = [chain[i]!, chain[j]!];
        const lo = (x: Document) => x.validFrom ?? '';
        const hi = (x: Document) => x.validTo ?? '\uffff';
        if (!(lo(newer) < hi(older) && lo(older) < hi(newer))) continue;
        const day = [newer.validFrom, older.validFrom].filter(Boolean).sort().at(-1);
        throw new InputError(
          `versions "${older.id}" (${validity(older)}) and "${newer.id}" (${validity(newer)}) of one document are both valid ${day ? `on ${day}` : 'from the beginning'}; ` +
            `the older version's validTo should be the newer one's validFrom`,
          { file: corpusPath, line: lineOf.get(newer.id)!, field: 'validFrom' },
        );
      }
    }
  }
  // Anything not reached from a chain head lies on a loop of `supersedes` links.
  const loop = docRows.find((r) => !seen.has(r.value.id));
  if (loop) throw new InputError(`document "${loop.value.id}" is on a loop of supersedes links`, { file: corpusPath, line: loop.line, field: 'supersedes' });
  return docs;
}

function checkQuestions(
  qRows: JsonlRow<Question>[],
  docs: Map<string, Document>,
  cutoff: string | undefined,
  paths: { questionsPath: string; manifestPath: string },
): void {
  const file = paths.questionsPath;
  // With any document lacking validFrom, something is valid on every day.
  const froms = [...docs.values()].map((d) => d.validFrom);
  const earliest = froms.includes(undefined) ? undefined : (froms as string[]).sort()[0];
  const qIds = new Set<string>();
  const tokensOf = memoTokens();
  for (const { value: q, line } of qRows) {
    if (qIds.has(q.id)) throw new InputError(`duplicate question id "${q.id}"`, { file, line, field: 'id' });
    qIds.add(q.id);
    for (const field of ['sourceDocIds', 'nearMissDocIds'] as const) {
      const missing = q[field]?.find((id) => !docs.has(id));
      if (missing) throw new InputError(`points to unknown document "${missing}"`, { file, line, field });
    }
    checkAccess(q, docs, tokensOf, { file, line });
    if ((q.category === 'updated' || q.category === 'new') && cutoff === undefined) {
      throw new InputError(
        `a "${q.category}" question needs a trainingCutoff in ${paths.manifestPath} (updated and new are measured against the cutoff); add one, or use category "static"`,
        { file, line, field: 'category' },
      );
    }
    if (q.asOf !== undefined) {
      if (earliest !== undefined && q.asOf < earliest) {
        throw new InputError(`asOf ${q.asOf} is before every document's validFrom (the earliest is ${earliest}): retrieval filtered by date would find nothing`, {
          file,
          line,
          field: 'asOf',
        });
      }
      for (const id of q.sourceDocIds) {
        const d = docs.get(id)!;
        if (!isValidOn(d, q.asOf)) throw new InputError(`gold document "${id}" is not valid on asOf ${q.asOf} (it is ${validity(d)})`, { file, line, field: 'sourceDocIds' });
      }
    }
    if ((q.category === 'updated' || q.category === 'new') && cutoff !== undefined) {
      const gold = q.sourceDocIds.map((id) => docs.get(id)!);
      if (!gold.some((d) => d.validFrom !== undefined && d.validFrom > cutoff)) {
        const list = gold.map((d) => `"${d.id}" ${validity(d)}`).join('; ');
        throw new InputError(
          `no gold document starts after the trainingCutoff ${cutoff} (${list}): a model trained at the cutoff could already know this, so it is not ${q.category === 'new' ? 'a' : 'an'} "${q.category}" question`,
          { file, line, field: 'sourceDocIds' },
        );
      }
    }
  }
}

/** Lenient tokens of a document's title and text, computed once per document. */
function memoTokens(): (d: Document) => string[] {
  const memo = new Map<string, string[]>();
  return (d) => {
    let t = memo.get(d.id);
    if (!t) memo.set(d.id, (t = lenientTokens(`${d.title}\n${d.text}`)));
    return t;
  };
}

/**
 * A question asked as some groups must be answerable from what they may read (its gold documents),
 * and a restricted question's canary must be in a document they may not read and in none they may:
 * else RAG would be scored for an answer it was never allowed, or a refusal it never owed.
 */
function checkAccess(q: Question, docs: Map<string, Document>, tokensOf: (d: Document) => string[], at: { file: string; line: number }): void {
  if (q.askedAs === undefined) return;
  const groups = q.askedAs.length ? q.askedAs.join(', ') : 'no group';
  for (const id of q.sourceDocIds) {
    const d = docs.get(id)!;
    if (!canRead(d, q.askedAs)) throw new InputError(`gold document "${id}" may be read only by ${d.access!.join(', ')}, not by askedAs (${groups})`, { ...at, field: 'sourceDocIds' });
  }
  for (const alias of q.canaryAnswers ?? []) {
    const needle = lenientTokens(alias);
    const holders = [...docs.values()].filter((d) => containsSequence(tokensOf(d), needle));
    const readable = holders.find((d) => canRead(d, q.askedAs));
    if (readable) throw new InputError(`canary "${alias}" is in document "${readable.id}", which askedAs (${groups}) may read: it is not restricted from this asker`, { ...at, field: 'canaryAnswers' });
    if (holders.length === 0) throw new InputError(`canary "${alias}" is in no document (it should be in the restricted document it leaks from)`, { ...at, field: 'canaryAnswers' });
  }
}

/** Fine-tuning provenance: `sourceDocIds` that exist, and `restricted` saying what their `access` says. */
function checkProvenance(rows: JsonlRow<FinetuneExample>[], docs: Map<string, Document>, file: string): void {
  for (const { value: x, line } of rows) {
    const sources = (x.sourceDocIds ?? []).map((id) => {
      const d = docs.get(id);
      if (!d) throw new InputError(`points to unknown document "${id}"`, { file, line, field: 'sourceDocIds' });
      return d;
    });
    if (x.restricted === undefined || sources.length === 0) continue;
    const restricted = sources.find(isRestricted);
    if (x.restricted && !restricted) throw new InputError('is true but every source document is public (no "access")', { file, line, field: 'restricted' });
    if (!x.restricted && restricted) throw new InputError(`is false but source document "${restricted.id}" may be read only by ${restricted.access!.join(', ')}`, { file, line, field: 'restricted' });
  }
}

/** Loads one fine-tuning variant (name from dataset.json, or a path). */
export async function loadFinetuneData(dataset: Dataset, variantOrPath: string): Promise<{ path: string; examples: FinetuneExample[] }> {
  const rel = dataset.manifest.finetune[variantOrPath];
  const path = rel ? join(dataset.dir, rel) : resolve(variantOrPath);
  if (!rel && !existsSync(path)) {
    const variants = Object.keys(dataset.manifest.finetune);
    throw new InputError(
      `file not found, and "${variantOrPath}" is not a fine-tuning variant of dataset.json (${variants.length ? `it defines: ${variants.join(', ')}` : 'it defines none'})`,
      { file: path },
    );
  }
  const rows = parseJsonl(await readInputFile(path), FinetuneExampleSchema, path);
  if (rows.length === 0) throw new InputError('no fine-tuning examples', { file: path });
  checkProvenance(rows, new Map(dataset.documents.map((d) => [d.id, d])), path);
  return { path, examples: rows.map((r) => r.value) };
}
