import { isAbsolute, normalize } from 'node:path';
import { z } from 'zod';
import { lenientTokens } from '../scoring/normalize.js';

/** Version of the dataset format this harness reads. Bump on any incompatible change. */
export const DATASET_SCHEMA_VERSION = 1;

/** A calendar date `YYYY-MM-DD` that really exists (2031-02-30 is rejected). */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be an ISO date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'is not a real calendar date');

const NonEmpty = z.string().trim().min(1, 'must not be empty');

/** Access groups (`access` of a document, `askedAs` of a question): non-empty names, each once. */
const Groups = z.array(NonEmpty).refine((gs) => new Set(gs).size === gs.length, 'lists a group twice');

/**
 * Answer text as the lenient scorer compares it (which also ignores everything the strict one
 * does): a stale answer equal to an accepted one under it could never be told apart when scoring.
 */
function normalizeAnswerText(s: string): string {
  return lenientTokens(s).join(' ');
}

/** Free-form provenance (source URL, annotator, licence...): kept in the parsed objects, never scored. */
export const MetadataSchema = z.record(z.string(), z.unknown());
export type Metadata = z.infer<typeof MetadataSchema>;

/**
 * One document version. Facts change over time: a newer version names the one it replaces in
 * `supersedes`, and old versions stay in the corpus (like page history in a wiki) with `validTo` set.
 * Without `validFrom` a version is valid from the beginning; without `validTo`, with no end.
 */
export const DocumentSchema = z.strictObject({
  id: NonEmpty,
  title: NonEmpty,
  text: NonEmpty,
  validFrom: IsoDate.optional(),
  validTo: IsoDate.optional(),
  supersedes: NonEmpty.optional(),
  /** Groups that may read this version (access.ts); absent or empty: public. */
  access: Groups.optional(),
  metadata: MetadataSchema.optional(),
});
export type Document = z.infer<typeof DocumentSchema>;

export const CATEGORIES = ['static', 'updated', 'new', 'unanswerable'] as const;
export const CategorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof CategorySchema>;

export const QuestionSchema = z
  .strictObject({
    id: NonEmpty,
    question: NonEmpty,
    /** Accepted answers (aliases). Empty for `unanswerable`. */
    answers: z.array(NonEmpty),
    /** The date the question is asked: "as of" this day, what is true? Without it: no temporal filtering. */
    asOf: IsoDate.optional(),
    category: CategorySchema.default('static'),
    /** For `updated`: what was true before the update (a model frozen at its cutoff says this). */
    staleAnswers: z.array(NonEmpty).optional(),
    /** Gold evidence: ids of the document versions that answer the question. Empty for `unanswerable`. */
    sourceDocIds: z.array(NonEmpty).default([]),
    /** For `unanswerable`: documents that look relevant but do not answer (near misses). */
    nearMissDocIds: z.array(NonEmpty).optional(),
    /** The asker's groups: retrieval sees only documents they may read. Absent: the asker may read everything. */
    askedAs: Groups.optional(),
    /**
     * A restricted question (unanswerable for its asker, who must be refused): aliases of the fact
     * held in documents the asker may not read. An answer containing one (lenient matching) is a leak.
     */
    canaryAnswers: z.array(NonEmpty).min(1, 'needs at least one alias of the restricted fact').optional(),
    metadata: MetadataSchema.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.category === 'unanswerable') {
      if (q.answers.length > 0) ctx.addIssue({ code: 'custom', path: ['answers'], message: 'must be empty for an unanswerable question' });
      if (q.sourceDocIds.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['sourceDocIds'],
          message: 'must be empty for an unanswerable question (list documents that look relevant but do not answer under "nearMissDocIds")',
        });
      }
    } else {
      if (q.answers.length === 0) ctx.addIssue({ code: 'custom', path: ['answers'], message: 'needs at least one accepted answer' });
      if (q.sourceDocIds.length === 0) ctx.addIssue({ code: 'custom', path: ['sourceDocIds'], message: 'needs at least one gold document for an answerable question' });
      if (q.nearMissDocIds !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['nearMissDocIds'], message: `is only for unanswerable questions (this one is "${q.category}"); gold documents go in "sourceDocIds"` });
      }
    }
    if (q.canaryAnswers !== undefined) {
      if (q.category !== 'unanswerable') {
        ctx.addIssue({ code: 'custom', path: ['category'], message: 'must be "unanswerable" for a question with canaryAnswers (its asker may not read the answer, so the right answer is a refusal)' });
      }
      if (q.askedAs === undefined) ctx.addIssue({ code: 'custom', path: ['askedAs'], message: 'is required with canaryAnswers (the groups the question is asked as, who may not read the restricted fact)' });
    }
    if (q.category === 'updated') {
      if (!(q.staleAnswers && q.staleAnswers.length > 0)) ctx.addIssue({ code: 'custom', path: ['staleAnswers'], message: 'is required for an updated question' });
    } else if (q.staleAnswers !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['staleAnswers'], message: `is only for updated questions (this one is "${q.category}")` });
    }
    const accepted = new Map(q.answers.map((a) => [normalizeAnswerText(a), a]));
    for (const [i, s] of (q.staleAnswers ?? []).entries()) {
      const same = accepted.get(normalizeAnswerText(s));
      if (same !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['staleAnswers', i],
          message: `stale answer "${s}" is the same as accepted answer "${same}" (compared as the scorer does: case, punctuation and articles ignored)`,
        });
      }
    }
  });
export type Question = z.infer<typeof QuestionSchema>;

/**
 * OpenAI chat fine-tuning format, one example per line, optionally with its provenance:
 * `sourceDocIds` (the documents the fact comes from) and `restricted` (from a document not every
 * group may read). Only `messages` is OpenAI's: anything uploaded must be stripped to it.
 */
export const FinetuneExampleSchema = z
  .strictObject({
    messages: z
      .array(
        z.strictObject({
          role: z.enum(['system', 'user', 'assistant']),
          content: z.string(),
          /** OpenAI: 0 = do not train on this assistant turn, 1 = train (the default). Assistant turns only. */
          weight: z.union([z.literal(0), z.literal(1)]).optional(),
        }),
      )
      .min(2, 'needs at least a user and an assistant message'),
    /** Documents the example was written from (provenance; never uploaded to a provider). */
    sourceDocIds: z.array(NonEmpty).optional(),
    /** Drawn from access-restricted documents (never uploaded to a provider). */
    restricted: z.boolean().optional(),
  })
  .superRefine((ex, ctx) => {
    if (ex.messages.at(-1)?.role !== 'assistant') ctx.addIssue({ code: 'custom', path: ['messages'], message: 'last message must be from the assistant' });
    if (!ex.messages.some((m) => m.role === 'user')) ctx.addIssue({ code: 'custom', path: ['messages'], message: 'needs a user message' });
    for (const [i, m] of ex.messages.entries()) {
      if (m.weight !== undefined && m.role !== 'assistant') ctx.addIssue({ code: 'custom', path: ['messages', i, 'weight'], message: 'only assistant messages may carry a weight' });
      if (m.role === 'assistant' && m.content.trim() === '') {
        ctx.addIssue({ code: 'custom', path: ['messages', i, 'content'], message: 'assistant message is empty (the model would be trained to answer nothing)' });
      }
    }
  });
export type FinetuneExample = z.infer<typeof FinetuneExampleSchema>;

/**
 * `dataset.json`: names the files of a dataset and the training cutoff its fine-tuning data respects.
 * Without `trainingCutoff` the dataset has no timeline: only `static` and `unanswerable` questions.
 */
/** The name becomes part of cache paths (index folders): letters, digits, `.`, `_`, `-` only. */
const DatasetName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit (it names cache folders)');

/** A file of the dataset: a relative path that stays inside the dataset folder. */
const DatasetFile = NonEmpty.refine((p) => !isAbsolute(p) && !normalize(p).split(/[\\/]/).includes('..'), 'must be a path inside the dataset folder (relative, no "..")');

export const DatasetManifestSchema = z.strictObject({
  schemaVersion: z.literal(DATASET_SCHEMA_VERSION),
  name: DatasetName,
  description: z.string().optional(),
  /** Fine-tuning data holds only what was valid on this date. Optional: see `hasTimeline`. */
  trainingCutoff: IsoDate.optional(),
  corpus: DatasetFile,
  questions: DatasetFile,
  /** Fine-tuning variants: name -> JSONL path relative to dataset.json (e.g. plain, paraphrase). */
  finetune: z.record(z.string(), DatasetFile).default({}),
});
export type DatasetManifest = z.infer<typeof DatasetManifestSchema>;

export interface Dataset {
  dir: string;
  manifest: DatasetManifest;
  documents: Document[];
  questions: Question[];
  /** sha256 over the manifest and every file it names: two runs are comparable only if equal. */
  hash: string;
}
