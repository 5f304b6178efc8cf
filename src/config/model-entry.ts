/**
 * Schema pieces for "a model": a reference string or an AI SDK model instance. Apart from
 * schema.ts so that the judge's schema (which schema.ts imports) can use them without a cycle.
 */
import { z } from 'zod';
import { type AnyLanguageModel, isLanguageModelInstance } from '../models/instance-shape.js';

/**
 * The schema `choose` returns for an input, which then reports its own precise errors (a union
 * would report "Invalid input" for every option at once). `_types` (the union of the options) is
 * there for its type only.
 */
export function chosen<S extends z.ZodType>(choose: (v: unknown) => z.ZodType, _types: S): z.ZodType<z.output<S>, z.input<S>> {
  return z.unknown().transform((v, ctx) => {
    const r = choose(v).safeParse(v);
    if (r.success) return r.data;
    for (const issue of r.error.issues) ctx.issues.push(issue as (typeof ctx.issues)[number]);
    return z.NEVER;
  }) as unknown as z.ZodType<z.output<S>, z.input<S>>;
}

/** An AI SDK language model object from any provider package (TS/JS configs): checked by its shape. */
export const LanguageModelInstance = z.custom<AnyLanguageModel>(isLanguageModelInstance, {
  error: "must be '<provider>:<model>' or an AI SDK language model instance (e.g. anthropic('claude-sonnet-4-5'))",
});
/** A reference string checked by `ref`, or (TS/JS configs) a model instance, known by `${provider}:${modelId}`. */
export const modelEntry = (ref: z.ZodString) => chosen((v) => (typeof v === 'string' ? ref : LanguageModelInstance), z.union([ref, LanguageModelInstance]));
