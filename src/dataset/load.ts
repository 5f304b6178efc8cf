import { dirname, join, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { InputError } from '../util/errors.js';
import { sha256 } from '../util/hash.js';
import { describeZodError, parseJsonText, readInputFile } from '../util/input.js';
import { parseJsonl } from './jsonl.js';
import {
  type Dataset,
  DatasetManifestSchema,
  type Document,
  DocumentSchema,
  type FinetuneExample,
  FinetuneExampleSchema,
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

/** Loads and cross-checks a dataset. Throws InputError naming file, line and field on the first problem. */
export async function loadDataset(pathOrDir: string): Promise<Dataset> {
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

  const docs = new Map<string, Document>();
  for (const { value: d, line } of docRows) {
    if (docs.has(d.id)) throw new InputError(`duplicate document id "${d.id}"`, { file: corpusPath, line, field: 'id' });
    if (d.validTo && d.validTo <= d.validFrom) throw new InputError(`validTo ${d.validTo} is not after validFrom ${d.validFrom}`, { file: corpusPath, line, field: 'validTo' });
    docs.set(d.id, d);
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

  const qIds = new Set<string>();
  for (const { value: q, line } of qRows) {
    if (qIds.has(q.id)) throw new InputError(`duplicate question id "${q.id}"`, { file: questionsPath, line, field: 'id' });
    qIds.add(q.id);
    const missing = q.sourceDocIds.find((id) => !docs.has(id));
    if (missing) throw new InputError(`points to unknown document "${missing}"`, { file: questionsPath, line, field: 'sourceDocIds' });
  }
  if (qRows.length === 0) throw new InputError('no questions', { file: questionsPath });
  if (docRows.length === 0) throw new InputError('no documents', { file: corpusPath });

  const finetuneTexts = await Promise.all(Object.values(manifest.finetune).map((f) => readInputFile(join(dir, f))));
  const hash = sha256([mText, corpusText, questionsText, ...finetuneTexts].join('\u0000'));
  return { dir, manifest, documents: [...docs.values()], questions: qRows.map((r) => r.value), hash };
}

/** Loads one fine-tuning variant (name from dataset.json, or a path). */
export async function loadFinetuneData(dataset: Dataset, variantOrPath: string): Promise<{ path: string; examples: FinetuneExample[] }> {
  const rel = dataset.manifest.finetune[variantOrPath];
  const path = rel ? join(dataset.dir, rel) : resolve(variantOrPath);
  const rows = parseJsonl(await readInputFile(path), FinetuneExampleSchema, path);
  if (rows.length === 0) throw new InputError('no fine-tuning examples', { file: path });
  return { path, examples: rows.map((r) => r.value) };
}

/** Document versions valid on `date` (validFrom <= date < validTo). */
export function isValidOn(doc: Pick<Document, 'validFrom' | 'validTo'>, date: string): boolean {
  return doc.validFrom <= date && (!doc.validTo || date < doc.validTo);
}
