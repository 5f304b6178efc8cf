/**
 * Question generation and the second-pass check, through AI SDK structured output (zod schemas,
 * `Output.object`). Every prompt starts with a `Task:` line and spells out the JSON shape, because
 * OpenAI-compatible servers without structured outputs only get `response_format: json_object`.
 */
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { generateText, NoObjectGeneratedError, NoOutputGeneratedError, Output } from 'ai';
import { z } from 'zod';
import type { Document } from '../dataset/schema.js';
import { estimateTokens } from '../pipelines/context-budget.js';
import type { Unit } from './corpus.js';
import { diffSentences } from './diff.js';

/** Bump when a prompt or schema changes: journal keys include it, so old generations are not reused. */
export const PROMPT_VERSION = 1;

const Text = z.string();
const FactSchema = z.object({
  question: Text,
  answer: Text,
  /** Other ways to write the same answer ("12" / "twelve"). */
  aliases: z.array(Text),
  /** Rewordings of the question, for the fine-tuning data. */
  paraphrases: z.array(Text),
});
const UpdatedFactSchema = FactSchema.extend({ staleAnswer: Text.nullable() });
const NearMissSchema = z.object({ question: Text, plausibleAnswer: Text });
export const CheckSchema = z.object({ answerable: z.boolean(), ambiguous: z.boolean(), reason: Text });
export type CheckVerdict = z.infer<typeof CheckSchema>;

export const GENERATED_SCHEMAS = {
  static: z.object({ items: z.array(FactSchema) }),
  updated: z.object({ items: z.array(UpdatedFactSchema) }),
  new: z.object({ items: z.array(FactSchema) }),
  unanswerable: z.object({ items: z.array(NearMissSchema) }),
} as const;

/** One generated item, whatever its kind (fields a kind lacks are absent). */
export type GeneratedItem = Partial<z.infer<typeof UpdatedFactSchema> & z.infer<typeof NearMissSchema>> & { question: string };

const SYSTEM =
  'You write question-answer pairs for a benchmark of question answering over documents. Reply with JSON only, exactly in the shape asked. ' +
  'Questions must be answerable by a reader who knows only the facts named, must name their subject (never "this document" or "the text"), and must have exactly one correct answer. ' +
  'Answers are short phrases copied word for word from the text.';

const FACT_SHAPE = '{"items":[{"question":"…","answer":"…","aliases":["…"],"paraphrases":["…","…"]}]}';

const docBlock = (d: Pick<Document, 'title' | 'text'>) => `Title: ${d.title}\n${d.text}`;

export interface Prompt {
  system: string;
  prompt: string;
}

/** The generation prompt of a unit, asking for at most `n` items. */
export function generationPrompt(unit: Unit, n: number): Prompt {
  const head = `Task: ${unit.kind}\nDocument: ${unit.source.id}\n`;
  const fact = `Write at most ${n} pairs. Give 2 or 3 paraphrases of each question and any aliases of the answer (or []). JSON shape: ${FACT_SHAPE}`;
  switch (unit.kind) {
    case 'static': {
      const facts = unit.earlier ? diffSentences(unit.earlier.text, unit.source.text).same.join('\n') : unit.source.text;
      return { system: SYSTEM, prompt: `${head}Facts that stay true (from "${unit.source.title}"):\n${facts}\n\nWrite questions about these facts only. ${fact}` };
    }
    case 'updated': {
      const d = diffSentences(unit.earlier!.text, unit.source.text);
      return {
        system: SYSTEM,
        prompt:
          `${head}A document changed. Sentences of the earlier version that were removed:\n${d.removed.join('\n') || '(none)'}\n\n` +
          `Sentences added in the later version:\n${d.added.join('\n')}\n\nThe later version in full:\n${docBlock(unit.source)}\n\n` +
          'Write questions whose answer is a fact of the added sentences. When that fact replaced a value of the removed sentences, give the earlier value as ' +
          `"staleAnswer"; for a fact with no earlier value, "staleAnswer": null. Write at most ${n} pairs. Give 2 or 3 paraphrases of each question and any aliases. ` +
          'JSON shape: {"items":[{"question":"…","answer":"…","staleAnswer":"…","aliases":[],"paraphrases":["…","…"]}]}',
      };
    }
    case 'new':
      return { system: SYSTEM, prompt: `${head}A new document:\n${docBlock(unit.source)}\n\n${fact}` };
    case 'unanswerable':
      return {
        system: SYSTEM,
        prompt:
          `${head}${docBlock(unit.source)}\n\nWrite at most ${n} questions that a reader of this document would plausibly ask about its subject but that the document does not answer ` +
          '(a detail it never states, a similar entity it does not describe). For each, the kind of answer a guesser would give. ' +
          'JSON shape: {"items":[{"question":"…","plausibleAnswer":"…"}]}',
      };
  }
}

/** The second pass: is the question answerable from this document alone, with one answer? */
export function checkPrompt(doc: Document, item: { question: string; answer?: string }): Prompt {
  return {
    system: 'You review benchmark questions. Reply with JSON only.',
    prompt:
      `Task: check\nDocument: ${doc.id}\n${docBlock(doc)}\n\nQuestion: ${item.question}\n${item.answer !== undefined ? `Proposed answer: ${item.answer}\n` : ''}\n` +
      'Is the question answerable from this document alone ("answerable")? Could a careful reader of the document give more than one correct answer, or ' +
      'is the question unclear about what or when it asks ("ambiguous")? JSON shape: {"answerable":true,"ambiguous":false,"reason":"…"}',
  };
}

export interface CallOptions {
  model: LanguageModelV4;
  maxRetries: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface Usage {
  input: number;
  output: number;
}

const toUsage = (u: { inputTokens?: number; outputTokens?: number } | undefined): Usage | null =>
  u?.inputTokens !== undefined && u.outputTokens !== undefined ? { input: u.inputTokens, output: u.outputTokens } : null;

/**
 * One structured call. A reply that is not the JSON asked for (prose, a schema violation, cut at
 * the token limit, empty) is `value: null`: an answer, not a failure, so it is journaled and the
 * run can finish (a retry would get the same reply from the response cache). Failed calls throw.
 */
async function call<T>(schema: z.ZodType<T>, name: string, p: Prompt, o: CallOptions): Promise<{ value: T | null; usage: Usage | null }> {
  try {
    const r = await generateText({
      model: o.model,
      system: p.system,
      prompt: p.prompt,
      output: Output.object({ schema, name }),
      temperature: 0,
      maxRetries: o.maxRetries,
      timeout: o.timeoutMs,
      abortSignal: o.signal,
    });
    try {
      return { value: r.output, usage: toUsage(r.usage) };
    } catch (err) {
      if (NoOutputGeneratedError.isInstance(err)) return { value: null, usage: toUsage(r.usage) };
      throw err;
    }
  } catch (err) {
    if (NoObjectGeneratedError.isInstance(err)) return { value: null, usage: toUsage(err.usage) };
    throw err;
  }
}

/** The unit's items (at most `n`), or `items: null` for a reply that was not the JSON asked for. */
export async function generateItems(unit: Unit, n: number, o: CallOptions): Promise<{ items: GeneratedItem[] | null; usage: Usage | null }> {
  const { value, usage } = await call<{ items: GeneratedItem[] }>(GENERATED_SCHEMAS[unit.kind], `${unit.kind}_questions`, generationPrompt(unit, n), o);
  return { items: value ? value.items.slice(0, n) : null, usage };
}

/** The check's verdict, or `verdict: null` for a reply that was not the JSON asked for. */
export async function checkItem(doc: Document, item: { question: string; answer?: string }, o: CallOptions): Promise<{ verdict: CheckVerdict | null; usage: Usage | null }> {
  const { value, usage } = await call(CheckSchema, 'question_check', checkPrompt(doc, item), o);
  return { verdict: value, usage };
}

/** Output tokens budgeted per generated item and per check, for the estimate. */
const ITEM_OUTPUT_TOKENS = 90;
const CHECK_OUTPUT_TOKENS = 40;

/** Tokens of the generation calls still to make, and of the checks they may need (every item checked). */
export function estimateUsage(units: readonly Unit[], n: number): { calls: number; checks: number; input: number; output: number } {
  let input = 0;
  let output = 0;
  for (const u of units) {
    const p = generationPrompt(u, n);
    input += estimateTokens(`${p.system} ${p.prompt}`);
    output += n * ITEM_OUTPUT_TOKENS;
    const c = checkPrompt(u.source, { question: '', answer: '' });
    input += n * (estimateTokens(`${c.system} ${c.prompt}`) + 40);
    output += n * CHECK_OUTPUT_TOKENS;
  }
  return { calls: units.length, checks: units.length * n, input, output };
}
