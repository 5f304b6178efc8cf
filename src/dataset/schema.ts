import { z } from 'zod';

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

/**
 * One document version. Facts change over time: a newer version names the one it replaces in
 * `supersedes`, and old versions stay in the corpus (like page history in a wiki) with `validTo` set.
 */
export const DocumentSchema = z.strictObject({
  id: NonEmpty,
  title: NonEmpty,
  text: NonEmpty,
  validFrom: IsoDate,
  validTo: IsoDate.optional(),
  supersedes: NonEmpty.optional(),
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
    /** The date the question is asked: "as of" this day, what is true? */
    asOf: IsoDate,
    category: CategorySchema,
    /** For `updated`: what was true before the update (a model frozen at its cutoff says this). */
    staleAnswers: z.array(NonEmpty).optional(),
    /** Gold evidence: ids of the document versions that answer the question. */
    sourceDocIds: z.array(NonEmpty),
  })
  .superRefine((q, ctx) => {
    if (q.category === 'unanswerable') {
      if (q.answers.length > 0) ctx.addIssue({ code: 'custom', path: ['answers'], message: 'must be empty for an unanswerable question' });
    } else {
      if (q.answers.length === 0) ctx.addIssue({ code: 'custom', path: ['answers'], message: 'needs at least one accepted answer' });
      if (q.sourceDocIds.length === 0) ctx.addIssue({ code: 'custom', path: ['sourceDocIds'], message: 'needs at least one gold document for an answerable question' });
    }
    if (q.category === 'updated' && !(q.staleAnswers && q.staleAnswers.length > 0)) {
      ctx.addIssue({ code: 'custom', path: ['staleAnswers'], message: 'is required for an updated question' });
    }
  });
export type Question = z.infer<typeof QuestionSchema>;

/** OpenAI chat fine-tuning format, one example per line. */
export const FinetuneExampleSchema = z
  .strictObject({
    messages: z
      .array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }))
      .min(2, 'needs at least a user and an assistant message'),
  })
  .superRefine((ex, ctx) => {
    if (ex.messages.at(-1)?.role !== 'assistant') ctx.addIssue({ code: 'custom', path: ['messages'], message: 'last message must be from the assistant' });
    if (!ex.messages.some((m) => m.role === 'user')) ctx.addIssue({ code: 'custom', path: ['messages'], message: 'needs a user message' });
  });
export type FinetuneExample = z.infer<typeof FinetuneExampleSchema>;

/** `dataset.json`: names the files of a dataset and the training cutoff its fine-tuning data respects. */
export const DatasetManifestSchema = z.strictObject({
  schemaVersion: z.literal(DATASET_SCHEMA_VERSION),
  name: NonEmpty,
  description: z.string().optional(),
  /** Fine-tuning data holds only what was valid on this date. */
  trainingCutoff: IsoDate,
  corpus: NonEmpty,
  questions: NonEmpty,
  /** Fine-tuning variants: name -> JSONL path relative to dataset.json (e.g. plain, paraphrase). */
  finetune: z.record(z.string(), NonEmpty).default({}),
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
