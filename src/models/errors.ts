import { APICallError, EmptyResponseBodyError, InvalidResponseDataError, JSONParseError, TypeValidationError } from '@ai-sdk/provider';
import { RetryError } from 'ai';
import type { ErrorKind } from '../results/schema.js';
import { redactSecrets } from '../util/redact.js';

/** The model answered with no text at all: an error of kind `empty`, never an abstention. */
export class EmptyOutputError extends Error {
  override readonly name = 'EmptyOutputError';
}

/**
 * How servers say a prompt is longer than the model's window: llama.cpp ("exceeds the available
 * context size"), vLLM ("maximum context length is N tokens"), OpenAI (`context_length_exceeded`).
 */
const CONTEXT_LENGTH = /exceeds? the (?:available )?context (?:size|length|window)|maximum context length|context_length_exceeded|too many (?:input )?tokens|prompt is too long/i;

/** Maps an error from a model call to the kind recorded in results. */
export function classifyError(err: unknown): ErrorKind {
  if (err instanceof EmptyOutputError) return 'empty';
  if (RetryError.isInstance(err)) return classifyError(err.lastError);
  if (APICallError.isInstance(err)) {
    if (err.statusCode === 429) return 'rate-limit';
    if (err.statusCode === 401 || err.statusCode === 403) return 'auth';
    if (err.statusCode === 400 && CONTEXT_LENGTH.test(`${err.message} ${err.responseBody ?? ''}`)) return 'context-length';
    if (err.statusCode === 408) return 'timeout';
    if (err.statusCode !== undefined && err.statusCode >= 500) return 'server';
    if (isTimeout(err.cause)) return 'timeout';
    // No status: the request never got an answer (connection refused, DNS). A status but a
    // dropped connection while the body was read (a stream cut in the middle): the server or
    // the network failed, not the format of what it sent, so this is 'server', not 'bad-response'.
    if (err.statusCode === undefined || isConnectionError(err.cause)) return 'server';
    return 'bad-response';
  }
  // Before the timeout test: a parse error quoting a body that says "timeout" is still a parse error.
  if (JSONParseError.isInstance(err) || TypeValidationError.isInstance(err) || InvalidResponseDataError.isInstance(err) || EmptyResponseBodyError.isInstance(err)) return 'bad-response';
  if (isTimeout(err)) return 'timeout';
  if (err instanceof Error && err.name === 'AbortError') return 'aborted';
  if (isConnectionError(err)) return 'server';
  return 'other';
}

/** `err` and its causes, outermost first (bounded: cause chains can be cyclic). */
function* causes(err: unknown): Generator<unknown> {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) yield e;
}

function isTimeout(err: unknown): boolean {
  for (const e of causes(err)) {
    if (!(e instanceof Error)) return false;
    const code = (e as { code?: string }).code;
    if (e.name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || /timed? ?out/i.test(e.message)) return true;
  }
  return false;
}

const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** A socket closed or refused under us; undici reports a body cut mid-way as `TypeError: terminated`. */
function isConnectionError(err: unknown): boolean {
  for (const e of causes(err)) {
    if (!(e instanceof Error)) return false;
    if (CONNECTION_CODES.has((e as { code?: string }).code ?? '')) return true;
    if (e instanceof TypeError && (e.message === 'terminated' || e.message === 'fetch failed')) return true;
  }
  return false;
}

/**
 * The reason behind an abort. The AI SDK reports a deadline that expires during a retry backoff
 * as a bare `AbortError: Delay was aborted`, which would be classified 'aborted' although the
 * question timed out; the signal still knows why (TimeoutError from AbortSignal.timeout, or the
 * user's Ctrl-C). Apply to a call's error before classifyError.
 */
export function explainAbort(err: unknown, signal: AbortSignal | undefined): unknown {
  if (!signal?.aborted || !(err instanceof Error) || err.name !== 'AbortError') return err;
  return signal.reason ?? err;
}

/** One line for the results: the error kind's message with any secret removed. */
export function describeError(err: unknown): string {
  const e = RetryError.isInstance(err) ? err.lastError : err;
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return redactSecrets(msg).slice(0, 500);
}
