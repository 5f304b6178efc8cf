/**
 * Schemas of the optional LLM judge: its config section and the verdict it must return.
 *
 * This module deliberately imports nothing from src/config/schema.ts: that file imports
 * JudgeConfigSchema from here, and a cycle would hit `ModelRef` in its temporal dead zone.
 */
import { z } from 'zod';
import { modelEntry } from '../../config/model-entry.js';

/** `<provider>:<model>`, same rule as config's ModelRef (kept local to avoid an import cycle). */
export const JudgeModelRef = z.string().regex(/^[A-Za-z0-9_-]+:.+$/, 'must look like <provider>:<model>');

export const VERDICTS = ['correct', 'incorrect', 'abstained'] as const;
export type Verdict = (typeof VERDICTS)[number];
export const VerdictEnum = z.enum(VERDICTS);

/** Words shown to the judge for each verdict; default: the verdict names themselves. */
export type JudgeLabels = Record<Verdict, string>;
export const DEFAULT_LABELS: JudgeLabels = { correct: 'correct', incorrect: 'incorrect', abstained: 'abstained' };

const LabelWord = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_ -]{0,39}$/, 'a label is 1-40 letters, digits, spaces, - or _, starting with a letter');

export const JudgeLabelsSchema = z
  .strictObject({ correct: LabelWord.optional(), incorrect: LabelWord.optional(), abstained: LabelWord.optional() })
  .superRefine((l, ctx) => {
    const words = VERDICTS.map((v) => (l[v] ?? DEFAULT_LABELS[v]).toLowerCase());
    if (new Set(words).size !== words.length) ctx.addIssue({ code: 'custom', message: 'the three label words must differ (case-insensitively)' });
  });
export type JudgeLabelsInput = z.infer<typeof JudgeLabelsSchema>;

export const JudgeConfigSchema = z.strictObject({
  /**
   * The judge model: `<provider>:<model>` (a provider from `providers`, or `openai`), or in a
   * TS/JS config an AI SDK model instance, named by its `${provider}:${modelId}` from then on.
   */
  model: modelEntry(JudgeModelRef),
  /**
   * Grading instructions (the user message). Placeholders: {{question}}, {{gold}}, {{stale}},
   * {{answer}}, and the label words {{correct}}, {{incorrect}}, {{abstained}}. The JSON output
   * contract is always sent as the system message, whatever this says.
   */
  prompt: z.string().min(1).optional(),
  /** Override of the label words shown to the judge (mapped back to correct/incorrect/abstained). */
  labels: JudgeLabelsSchema.optional(),
  /** Judge calls in flight at once. */
  concurrency: z.number().int().positive().default(2),
  maxOutputTokens: z.number().int().positive().default(256),
});
export type JudgeConfig = z.infer<typeof JudgeConfigSchema>;
export type JudgeConfigInput = z.input<typeof JudgeConfigSchema>;

/** What the judge returns, in terms of the canonical verdict names. */
export const VerdictSchema = z.object({
  verdict: VerdictEnum,
  /** The answer states an outdated (pre-update) answer as current. Only meaningful for `updated` questions. */
  matchesStale: z.boolean(),
  reason: z.string().optional(),
});
export type JudgeVerdict = z.infer<typeof VerdictSchema>;

/**
 * The schema sent to the model, in the label words the judge sees. `reason` is listed first (the
 * judge explains before it decides) and is required in the JSON Schema, because OpenAI's strict
 * structured outputs (the default of @ai-sdk/openai) reject schemas with optional properties;
 * validation of the reply still accepts a missing reason (see judge.ts).
 */
export function wireVerdictSchema(labels: JudgeLabels) {
  const words = VERDICTS.map((v) => labels[v]) as [string, string, string];
  return {
    strict: z.strictObject({ reason: z.string(), verdict: z.enum(words), matchesStale: z.boolean() }),
    lenient: z.object({ reason: z.string().optional(), verdict: z.enum(words), matchesStale: z.boolean() }),
  };
}

export function resolveLabels(l: JudgeLabelsInput | undefined): JudgeLabels {
  const parsed = JudgeLabelsSchema.parse(l ?? {});
  return { correct: parsed.correct ?? DEFAULT_LABELS.correct, incorrect: parsed.incorrect ?? DEFAULT_LABELS.incorrect, abstained: parsed.abstained ?? DEFAULT_LABELS.abstained };
}
