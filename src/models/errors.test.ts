import { APICallError, JSONParseError } from '@ai-sdk/provider';
import { RetryError } from 'ai';
import { describe, expect, it } from 'vitest';
import { classifyError, describeError, EmptyOutputError, explainAbort } from './errors.js';

const apiError = (statusCode: number | undefined, cause?: unknown) =>
  new APICallError({ message: 'x', url: 'http://127.0.0.1/v1/chat/completions', requestBodyValues: {}, statusCode, cause });

const withBody = (statusCode: number, responseBody: string) =>
  new APICallError({ message: 'Bad Request', url: 'http://127.0.0.1/v1/chat/completions', requestBodyValues: {}, statusCode, responseBody });

/** What undici throws when the server drops the connection mid-body. */
function terminated(): TypeError {
  const socket = Object.assign(new Error('other side closed'), { name: 'SocketError', code: 'UND_ERR_SOCKET' });
  return new TypeError('terminated', { cause: socket });
}

describe('classifyError', () => {
  it.each([
    ['429', apiError(429), 'rate-limit'],
    ['429 after retries', new RetryError({ message: 'r', reason: 'maxRetriesExceeded', errors: [apiError(500), apiError(429)] }), 'rate-limit'],
    ['408', apiError(408), 'timeout'],
    ['500', apiError(500), 'server'],
    ['503', apiError(503), 'server'],
    ['400', apiError(400), 'bad-response'],
    ['401', apiError(401), 'auth'],
    ['403', apiError(403), 'auth'],
    ['llama.cpp context overflow', withBody(400, '{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}}'), 'context-length'],
    ['vLLM context overflow', withBody(400, '{"object":"error","message":"This model\'s maximum context length is 4096 tokens. However, you requested 5000 tokens"}'), 'context-length'],
    ['OpenAI context overflow', withBody(400, '{"error":{"code":"context_length_exceeded","message":"…"}}'), 'context-length'],
    ['empty output', new EmptyOutputError('the model returned no text'), 'empty'],
    ['200 with invalid JSON', apiError(200, new JSONParseError({ text: '{', cause: new Error('x') })), 'bad-response'],
    ['connection refused', apiError(undefined, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), 'server'],
    ['body cut after a 200', apiError(200, terminated()), 'server'],
    ['bare terminated', terminated(), 'server'],
    ['deadline', new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout'],
    ['connect timeout', apiError(undefined, new TypeError('fetch failed', { cause: Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }) })), 'timeout'],
    ['user abort', new DOMException('This operation was aborted', 'AbortError'), 'aborted'],
    ['parse error quoting "timeout"', new JSONParseError({ text: '{"error":"timeout"', cause: new Error('Unexpected end of JSON input') }), 'bad-response'],
    ['anything else', new Error('boom'), 'other'],
  ])('%s -> %s', (_label, err, kind) => {
    expect(classifyError(err)).toBe(kind);
  });
});

describe('explainAbort', () => {
  const delayAborted = () => new DOMException('Delay was aborted', 'AbortError');

  it('replaces an AbortError by the reason of the aborted signal', () => {
    const timeout = new AbortController();
    timeout.abort(new DOMException('deadline', 'TimeoutError'));
    expect(classifyError(explainAbort(delayAborted(), timeout.signal))).toBe('timeout');
    const user = new AbortController();
    user.abort();
    expect(classifyError(explainAbort(delayAborted(), user.signal))).toBe('aborted');
  });

  it('leaves other errors, and errors under a live signal, alone', () => {
    const live = new AbortController();
    const e = delayAborted();
    expect(explainAbort(e, live.signal)).toBe(e);
    expect(explainAbort(e, undefined)).toBe(e);
    const aborted = new AbortController();
    aborted.abort();
    const other = apiError(500);
    expect(explainAbort(other, aborted.signal)).toBe(other);
  });
});

describe('describeError', () => {
  it('uses the last error of a RetryError and keeps bearer tokens out', () => {
    const err = new RetryError({ message: 'r', reason: 'maxRetriesExceeded', errors: [new Error('Authorization: Bearer abcdefghijklmnop failed')] });
    expect(describeError(err)).toBe('Error: Authorization: Bearer [REDACTED] failed');
  });
});
