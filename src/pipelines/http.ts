/**
 * The `http` pipeline: a RAG service written in any language, reached by POSTing each question
 * as JSON and reading the reply's fields by JSONPath (src/util/jsonpath.ts). Failures are
 * raised as the AI SDK's error types so they are classified like model errors: an HTTP status
 * as APICallError (5xx `server`, 429 `rate-limit`, 401/403 `auth`), a reply that is not JSON
 * or lacks a mapped field as a bad response, a request over `timeoutMs` as a timeout. Statuses
 * the AI SDK retries and failed connections are retried the same way.
 */
import { APICallError, InvalidResponseDataError } from '@ai-sdk/provider';
import type { HttpPipelineConfig } from '../config/schema.js';
import { InputError } from '../util/errors.js';
import { isMultiPath, parseJsonPath, selectJsonPath } from '../util/jsonpath.js';
import { registerSecret } from '../util/redact.js';
import { type RetryOptions, type RetryVerdict, retryAfterMs, withRetries } from '../util/retry.js';
import { checkedOutput, type CustomAsk, type CustomRunInput } from './custom.js';

const ENV_PLACEHOLDER = /\{\{env\.([A-Za-z_][A-Za-z0-9_]*)\}\}/g;
/** How much of an error reply goes into the recorded message. */
const BODY_EXCERPT = 200;

/** Request headers with `{{env.NAME}}` filled in and apiKeyEnv as a bearer token; every value is a secret from then on. */
export function httpHeaders(p: HttpPipelineConfig, field: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const need = (name: string, where: string) => {
    const v = env[name];
    if (!v) throw new InputError(`pipeline "${p.name}" needs the environment variable ${name} (${where})`, { field });
    registerSecret(v);
    return v;
  };
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  for (const [h, template] of Object.entries(p.headers ?? {})) {
    headers[h] = template.replace(ENV_PLACEHOLDER, (_m, name: string) => need(name, `header ${h}`));
    registerSecret(headers[h]);
  }
  if (p.apiKeyEnv) headers.authorization = `Bearer ${need(p.apiKeyEnv, 'apiKeyEnv')}`;
  return headers;
}

/** The body template with the question filled in: a string that is exactly one placeholder takes the value itself (null asOf stays null). */
export function renderBody(template: unknown, vars: Record<string, string | null>): unknown {
  if (typeof template === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(template);
    if (whole && Object.hasOwn(vars, whole[1]!)) return vars[whole[1]!];
    return template.replace(/\{\{(\w+)\}\}/g, (m, name: string) => (Object.hasOwn(vars, name) ? (vars[name] ?? '') : m));
  }
  if (Array.isArray(template)) return template.map((t) => renderBody(t, vars));
  if (template !== null && typeof template === 'object') return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderBody(v, vars)]));
  return template;
}

type Mapper = (reply: unknown) => unknown;

/** Reads one mapped field of the reply; a path that finds nothing is an error naming the pipeline, field and path. */
function mapper(pipeline: string, field: string, path: string, expect: 'string' | 'number' | 'ids'): Mapper {
  const segments = parseJsonPath(path);
  const multi = isMultiPath(segments);
  const fail = (what: string, reply: unknown) => new InvalidResponseDataError({ data: reply, message: `pipeline "${pipeline}": map.${field} ${path} ${what}` });
  return (reply) => {
    const found = selectJsonPath(segments, reply);
    if (found === undefined) throw fail('finds nothing in the reply', reply);
    if (expect === 'ids') {
      const list = multi ? found : found[0];
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string' || typeof x === 'number')) throw fail('is not a list of ids (strings or numbers)', reply);
      return list.map(String);
    }
    const v = found[0];
    if (multi || found.length !== 1 || typeof v !== expect) throw fail(`is not a single ${expect} (got ${multi ? `${found.length} values` : JSON.stringify(v)?.slice(0, 60)})`, reply);
    return v;
  };
}

/** The `map` section as functions from the reply to the pipeline's output fields. */
function replyMapper(p: HttpPipelineConfig): (reply: unknown) => unknown {
  const { map } = p;
  const answer = mapper(p.name, 'answer', map.answer, 'string');
  const ids = map.retrievedDocIds ? mapper(p.name, 'retrievedDocIds', map.retrievedDocIds, 'ids') : null;
  const group = (section: 'usage' | 'stages', paths: Record<string, string | undefined> | undefined) =>
    Object.entries(paths ?? {}).flatMap(([k, path]) => (path ? [[k, mapper(p.name, `${section}.${k}`, path, 'number')] as const] : []));
  const usage = group('usage', map.usage);
  const stages = group('stages', map.stages);
  return (reply) => ({
    answer: answer(reply),
    ...(ids ? { retrievedDocIds: ids(reply) } : {}),
    ...(usage.length ? { usage: Object.fromEntries(usage.map(([k, f]) => [k, f(reply)])) } : {}),
    ...(stages.length ? { stages: Object.fromEntries(stages.map(([k, f]) => [k, f(reply)])) } : {}),
  });
}

/** Retry an HTTP status the AI SDK would retry (APICallError decides), and a connection that failed; not a timeout. */
function retryVerdict(err: unknown): RetryVerdict {
  if (APICallError.isInstance(err)) return { retryable: err.isRetryable, retryAfterMs: retryAfterMs(err.responseHeaders) };
  return { retryable: err instanceof TypeError };
}

/**
 * The answerer of an http pipeline; headers and env vars are checked now, before any work.
 * Failed requests are retried like model calls (`generation.maxRetries`, src/util/retry.ts).
 */
export function httpAsk(p: HttpPipelineConfig, field: string, env: NodeJS.ProcessEnv, retry: Omit<RetryOptions, 'signal'> = { maxRetries: 0 }): CustomAsk {
  const headers = httpHeaders(p, `${field}.headers`, env);
  const map = replyMapper(p);
  return async (input: CustomRunInput) => {
    const body = renderBody(p.body, { question: input.question, asOf: input.asOf, id: input.id });
    const text = await withRetries(
      async () => {
        const signal = p.timeoutMs === undefined ? input.signal : AbortSignal.any([input.signal, AbortSignal.timeout(p.timeoutMs)]);
        const res = await fetch(p.url, { method: 'POST', headers, body: JSON.stringify(body), signal });
        const reply = await res.text();
        if (res.ok) return reply;
        throw new APICallError({
          message: `pipeline "${p.name}": the service answered HTTP ${res.status}: ${reply.slice(0, BODY_EXCERPT)}`,
          url: p.url,
          requestBodyValues: body,
          statusCode: res.status,
          responseHeaders: Object.fromEntries(res.headers),
          responseBody: reply.slice(0, BODY_EXCERPT),
        });
      },
      retryVerdict,
      { ...retry, signal: input.signal },
    );
    let reply: unknown;
    try {
      reply = JSON.parse(text);
    } catch {
      throw new InvalidResponseDataError({ data: text, message: `pipeline "${p.name}": the reply is not JSON: ${text.slice(0, BODY_EXCERPT)}` });
    }
    return checkedOutput(p.name, map(reply));
  };
}
