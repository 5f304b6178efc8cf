import type { SharedV4ProviderOptions } from '@ai-sdk/provider';
import { generateText, type LanguageModelUsage, streamText } from 'ai';
import type { Config } from '../config/schema.js';
import type { Question } from '../dataset/schema.js';
import { parseCitations } from '../citations/parse.js';
import { explainAbort } from '../models/errors.js';
import { fitContext } from './context-budget.js';
import { formatContext, renderTemplate } from './prompt.js';
import type { Answer, PipelineSpec } from './types.js';


/** Asks one question through one pipeline: retrieve (if any), prompt, generate; every stage timed. */
export async function answerQuestion(
  spec: PipelineSpec,
  q: Question,
  opts: {
    prompts: Config['prompts'];
    generation: Config['generation'];
    abortSignal: AbortSignal;
    maxContextTokens?: number;
    /** Corpus document ids, so a cited id is recognized even when it was not retrieved. */
    docIds?: ReadonlySet<string>;
  },
): Promise<Answer> {
  const t0 = performance.now();
  const answer: Answer = {
    text: null,
    retrievedDocIds: null,
    retrievedChunks: null,
    latencyMs: { total: 0, embed: null, search: null, generate: null, firstToken: null },
    tokens: null,
    finishReason: null,
    responseModelId: null,
    cpuMs: null,
    cached: false,
    embedCached: null,
    contextDocIds: [],
    citations: null,
    error: null,
  };
  // A question without a date: no temporal filter, and the prompt says so.
  const asOf = q.asOf ?? null;
  const asOfText = asOf ?? 'an unspecified date';
  const cite = opts.prompts.cite;
  try {
    let prompt: string;
    if (spec.retrieve) {
      const r = await spec.retrieve(q.question, { asOf, groups: q.askedAs });
      answer.retrievedDocIds = r.docIds;
      answer.retrievedChunks = r.chunks;
      answer.latencyMs.embed = r.timings.embedMs;
      answer.embedCached = r.timings.embedCached;
      answer.latencyMs.search = r.timings.searchMs;
      const chunks = opts.maxContextTokens === undefined ? r.chunks : fitContext(r.chunks, opts.maxContextTokens);
      answer.contextDocIds = chunks.map((c) => c.docId);
      prompt = renderTemplate(opts.prompts.withContext, { context: formatContext(chunks, { ids: cite !== false }), question: q.question, asOf: asOfText });
    } else {
      prompt = renderTemplate(opts.prompts.closedBook, { question: q.question, asOf: asOfText });
    }
    const call = {
      model: spec.model,
      system: cite === false ? opts.prompts.system : `${opts.prompts.system}\n${cite}`,
      prompt,
      maxOutputTokens: opts.generation.maxOutputTokens,
      temperature: opts.generation.temperature,
      topP: opts.generation.topP,
      seed: opts.generation.seed,
      stopSequences: opts.generation.stop,
      providerOptions: opts.generation.providerOptions as SharedV4ProviderOptions | undefined,
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
      Object.assign(answer, outcome(await result.usage, await result.finishReason, (await result.response).modelId, await result.providerMetadata));
      answer.text = text.trim();
    } else {
      const result = await generateText(call);
      Object.assign(answer, outcome(result.usage, result.finishReason, result.response.modelId, result.providerMetadata));
      answer.text = result.text.trim();
    }
    answer.latencyMs.generate = performance.now() - g0;
    if (cite !== false) {
      // The citations are not part of the answer that is scored.
      const parsed = parseCitations(answer.text!, { shown: answer.contextDocIds, known: opts.docIds ?? new Set() });
      answer.text = parsed.answer;
      answer.citations = parsed.citations;
    }
  } catch (err) {
    // A deadline hit during the SDK's retry backoff surfaces as a generic AbortError.
    answer.error = explainAbort(err, opts.abortSignal);
  }
  answer.latencyMs.total = performance.now() - t0;
  return answer;
}

interface RagvftMetadata {
  ragvft?: { cached?: boolean; cpuMs?: number };
}

/**
 * What the call reported besides its text. Usage the server did not send is null, not 0 (a server
 * without `stream_options.include_usage` sends none). The response cache marks what it served and
 * local models report their CPU time in provider metadata.
 */
function outcome(usage: LanguageModelUsage, finishReason: string, modelId: string | undefined, meta: unknown): Partial<Answer> {
  const ragvft = (meta as RagvftMetadata | undefined)?.ragvft;
  return {
    tokens: usage.inputTokens === undefined && usage.outputTokens === undefined ? null : { input: usage.inputTokens ?? 0, output: usage.outputTokens ?? 0 },
    finishReason,
    responseModelId: modelId ?? null,
    cached: Boolean(ragvft?.cached),
    cpuMs: typeof ragvft?.cpuMs === 'number' ? ragvft.cpuMs : null,
  };
}
