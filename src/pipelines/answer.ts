import { generateText, streamText } from 'ai';
import type { Config } from '../config/schema.js';
import type { Question } from '../dataset/schema.js';
import { explainAbort } from '../models/errors.js';
import { formatContext, renderTemplate } from './prompt.js';
import type { Answer, PipelineSpec } from './types.js';


/** Asks one question through one pipeline: retrieve (if any), prompt, generate; every stage timed. */
export async function answerQuestion(
  spec: PipelineSpec,
  q: Question,
  opts: { prompts: Config['prompts']; generation: Config['generation']; abortSignal: AbortSignal },
): Promise<Answer> {
  const t0 = performance.now();
  const answer: Answer = {
    text: null,
    retrievedDocIds: null,
    latencyMs: { total: 0, embed: null, search: null, generate: null, firstToken: null },
    tokens: { input: 0, output: 0 },
    cached: false,
    error: null,
  };
  try {
    let prompt: string;
    if (spec.retrieve) {
      const r = await spec.retrieve(q.question, q.asOf);
      answer.retrievedDocIds = r.docIds;
      answer.latencyMs.embed = r.timings.embedMs;
      answer.latencyMs.search = r.timings.searchMs;
      prompt = renderTemplate(opts.prompts.withContext, { context: formatContext(r.chunks), question: q.question, asOf: q.asOf });
    } else {
      prompt = renderTemplate(opts.prompts.closedBook, { question: q.question, asOf: q.asOf });
    }
    const call = {
      model: spec.model,
      system: opts.prompts.system,
      prompt,
      maxOutputTokens: opts.generation.maxOutputTokens,
      temperature: opts.generation.temperature,
      abortSignal: opts.abortSignal,
      maxRetries: opts.generation.maxRetries,
    };
    const g0 = performance.now();
    if (opts.generation.stream) {
      let streamError: unknown = null;
      const result = streamText({ ...call, onError: ({ error }) => void (streamError ??= error) });
      let text = '';
      for await (const part of result.fullStream) {
        if (part.type === 'text-delta') {
          answer.latencyMs.firstToken ??= performance.now() - g0;
          text += part.text;
        } else if (part.type === 'error') {
          streamError ??= part.error;
        }
      }
      if (streamError) throw streamError;
      const usage = await result.usage;
      answer.tokens = { input: usage.inputTokens ?? 0, output: usage.outputTokens ?? 0 };
      answer.cached = isCached(await result.providerMetadata);
      answer.text = text.trim();
    } else {
      const result = await generateText(call);
      answer.tokens = { input: result.usage.inputTokens ?? 0, output: result.usage.outputTokens ?? 0 };
      answer.cached = isCached(result.providerMetadata);
      answer.text = result.text.trim();
    }
    answer.latencyMs.generate = performance.now() - g0;
  } catch (err) {
    // A deadline hit during the SDK's retry backoff surfaces as a generic AbortError.
    answer.error = explainAbort(err, opts.abortSignal);
  }
  answer.latencyMs.total = performance.now() - t0;
  return answer;
}

/** The response cache middleware marks what it served in provider metadata. */
function isCached(meta: unknown): boolean {
  return Boolean((meta as { ragvft?: { cached?: boolean } } | undefined)?.ragvft?.cached);
}
