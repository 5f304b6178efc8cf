/**
 * A local OpenAI-compatible HTTP server for tests and `npm run perf`, on 127.0.0.1 only, built on node:http.
 *
 * It speaks just enough of three endpoints for the real `@ai-sdk/openai` and
 * `@ai-sdk/openai-compatible` clients to work against it:
 *   POST /v1/chat/completions  JSON, or SSE when `stream: true` (usage chunk when
 *                              `stream_options.include_usage`, then `data: [DONE]`)
 *   POST /v1/responses         OpenAI Responses API, JSON or SSE events
 *   POST /v1/embeddings        deterministic vectors derived from a hash of each input
 *
 * Answers and token counts are deterministic (tokens = whitespace-separated words), so tests can
 * assert exact usage. A fault plan injects the failures a benchmark meets against real APIs:
 * 429/5xx with Retry-After, a response slower than the client's timeout, malformed JSON and a
 * stream cut in the middle. Every request is recorded (method, path, headers, parsed body).
 *
 * Everything is bounded: pending timers are cleared and open sockets destroyed by `close()`.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readBody } from '../util/http-body.js';

export type Fault =
  /** Reply with this status (and an OpenAI-style error body unless `body` is given). */
  | { kind: 'status'; status: number; retryAfter?: string; retryAfterMs?: string; body?: string }
  /** Wait `ms` before answering normally (answer is dropped if the client gave up meanwhile). */
  | { kind: 'delay'; ms: number }
  /** 200 with a body that is not valid JSON; for streams, an SSE event whose data is not JSON. */
  | { kind: 'malformed' }
  /** Send `afterChunks` SSE events (or part of the JSON body), then destroy the socket. */
  | { kind: 'cut-stream'; afterChunks: number };

export interface RecordedRequest {
  /** 0-based index over all requests this server received. */
  n: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  fault: Fault | null;
}

/**
 * Either a queue (one entry per request, in order; `null` = no fault; no faults once empty)
 * or a rule called for every request.
 */
export type FaultPlan = (Fault | null)[] | ((req: RecordedRequest, n: number) => Fault | null | undefined);

export interface PromptInfo {
  system?: string;
  user: string;
  model: string;
  /** The request's `response_format` (chat) or `text.format` (responses), when it sent one. */
  responseFormat?: unknown;
  /** The request's headers (for servers that echo them, as some do in errors and answers). */
  headers?: IncomingHttpHeaders;
}

export interface ServerOptions {
  faults?: FaultPlan;
  answer?: (prompt: PromptInfo) => string;
  /** Token counts to report; default: words in system + user, words in the answer. */
  usage?: (prompt: PromptInfo, answer: string) => { input: number; output: number };
  /** Report no token usage at all for this request (a server that sends none). Default: never. */
  omitUsage?: (prompt: PromptInfo) => boolean;
  /** Chat finish reason to report instead of stop/length (e.g. 'content_filter'). */
  finishReason?: (prompt: PromptInfo) => string | undefined;
  /** Pause between SSE events, so time to first token is measurable. Default 0. */
  chunkDelayMs?: number;
  /** What `GET /v1/models` lists (asked live, so a test can swap it); default: 405 like a server without the route. */
  models?: () => Record<string, unknown>[];
  /** Dimension of /v1/embeddings vectors. Default 8. */
  embeddingDim?: number;
  port?: number;
}

export interface OpenAIServer {
  /** Base URL including `/v1`, e.g. http://127.0.0.1:12345/v1 */
  url: string;
  requests: RecordedRequest[];
  setFaults(faults: FaultPlan | undefined): void;
  close(): Promise<void>;
}

const words = (s: string) => s.split(/\s+/).filter(Boolean);
const shortHash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);

/** Default answer: stable for a given prompt and model, several words long so it streams in pieces. */
export const defaultAnswer = (p: PromptInfo) => `The answer is ${shortHash(`${p.model}\n${p.system ?? ''}\n${p.user}`)} indeed`;

export async function startOpenAIServer(opts: ServerOptions = {}): Promise<OpenAIServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let faults = opts.faults;
  let closed = false;
  const answerFor = opts.answer ?? defaultAnswer;
  const usageFor = opts.usage ?? ((p, a) => ({ input: words(`${p.system ?? ''} ${p.user}`).length, output: words(a).length }));

  /** setTimeout that close() can cancel; resolves false if the response went away meanwhile. */
  const sleep = (ms: number, res: ServerResponse) =>
    new Promise<boolean>((resolve) => {
      if (ms <= 0) return resolve(!res.destroyed);
      const onClose = () => {
        if (timers.delete(t)) {
          clearTimeout(t);
          resolve(false);
        }
      };
      const t = setTimeout(() => {
        timers.delete(t);
        res.off('close', onClose);
        resolve(!res.destroyed && !closed);
      }, ms);
      timers.add(t);
      res.once('close', onClose);
    });

  const nextFault = (req: RecordedRequest): Fault | null => {
    if (!faults) return null;
    if (Array.isArray(faults)) return faults.shift() ?? null;
    return faults(req, req.n) ?? null;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      // A bug in this helper should fail the test loudly, not hang it.
      if (!res.headersSent) sendJson(res, 500, { error: { message: `test server bug: ${String(err)}`, type: 'server_error' } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = (await readBody(req)).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      // Kept as text: the test can see what was sent.
    }
    const rec: RecordedRequest = { n: requests.length, method: req.method ?? '', path: (req.url ?? '').split('?')[0], headers: req.headers, body, fault: null };
    requests.push(rec);
    rec.fault = nextFault(rec);

    const fault = rec.fault;
    if (fault?.kind === 'status') return sendStatusFault(res, fault);
    if (fault?.kind === 'delay' && !(await sleep(fault.ms, res))) return;
    if (req.method === 'GET' && rec.path.endsWith('/models') && opts.models) return sendJson(res, 200, { object: 'list', data: opts.models() });
    if (req.method !== 'POST') return sendJson(res, 405, { error: { message: 'method not allowed', type: 'invalid_request_error' } });
    if (typeof body !== 'object' || body === null) return sendJson(res, 400, { error: { message: 'body must be JSON', type: 'invalid_request_error' } });
    const b = body as Record<string, unknown>;
    const cut = fault?.kind === 'cut-stream' ? fault.afterChunks : null;
    const malformed = fault?.kind === 'malformed';

    switch (rec.path) {
      case '/v1/chat/completions':
        return chatCompletions(b, res, { cut, malformed }, req.headers);
      case '/v1/responses':
        return responses(b, res, { cut, malformed }, req.headers);
      case '/v1/embeddings':
        return embeddings(b, res, { cut, malformed });
      default:
        return sendJson(res, 404, { error: { message: `unknown path ${rec.path}`, type: 'invalid_request_error' } });
    }
  }

  type Mode = { cut: number | null; malformed: boolean };

  /** Answer text, truncated to the max token setting like a real model would be. */
  function complete(prompt: PromptInfo, maxTokens: unknown) {
    let text = answerFor(prompt);
    let truncated = false;
    if (typeof maxTokens === 'number' && words(text).length > maxTokens) {
      text = words(text).slice(0, maxTokens).join(' ');
      truncated = true;
    }
    const u = usageFor(prompt, text);
    return { text, truncated, usage: u };
  }

  async function chatCompletions(b: Record<string, unknown>, res: ServerResponse, mode: Mode, headers: IncomingHttpHeaders) {
    const prompt = { ...chatPrompt(b), headers };
    const { text, truncated, usage } = complete(prompt, b.max_tokens ?? b.max_completion_tokens);
    const id = `chatcmpl-${shortHash(text + prompt.user)}`;
    const created = Math.floor(Date.now() / 1000);
    const finish = opts.finishReason?.(prompt) ?? (truncated ? 'length' : 'stop');
    const usageJson = opts.omitUsage?.(prompt) ? undefined : { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output };

    if (b.stream !== true) {
      return sendBody(res, mode, {
        id,
        object: 'chat.completion',
        created,
        model: prompt.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finish }],
        usage: usageJson,
      });
    }
    const base = { id, object: 'chat.completion.chunk', created, model: prompt.model };
    const events: string[] = [
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }),
      ...pieces(text).map((p) => JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })),
      JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] }),
    ];
    const includeUsage = (b.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    if (includeUsage && usageJson) events.push(JSON.stringify({ ...base, choices: [], usage: usageJson }));
    events.push('[DONE]');
    return sendSse(res, mode, events.map((data) => ({ data })));
  }

  async function responses(b: Record<string, unknown>, res: ServerResponse, mode: Mode, headers: IncomingHttpHeaders) {
    const prompt = { ...responsesPrompt(b), headers };
    const { text, truncated, usage } = complete(prompt, b.max_output_tokens);
    const id = `resp_${shortHash(text + prompt.user)}`;
    const msgId = `msg_${shortHash(id)}`;
    const created_at = Math.floor(Date.now() / 1000);
    const usageJson = opts.omitUsage?.(prompt) ? null : {
      input_tokens: usage.input,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: usage.output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: usage.input + usage.output,
    };
    const incomplete_details = truncated ? { reason: 'max_output_tokens' } : null;
    const message = (status: string, content: unknown[]) => ({ type: 'message', id: msgId, role: 'assistant', status, content });
    const outputText = { type: 'output_text', text, annotations: [], logprobs: [] };
    const response = (status: string, output: unknown[], withUsage: boolean) => ({
      id,
      object: 'response',
      created_at,
      model: prompt.model,
      status,
      output,
      incomplete_details,
      error: null,
      usage: withUsage ? usageJson : null,
    });

    if (b.stream !== true) return sendBody(res, mode, response(truncated ? 'incomplete' : 'completed', [message('completed', [outputText])], true));

    let seq = 0;
    const ev = (type: string, fields: object) => ({ event: type, data: JSON.stringify({ type, sequence_number: seq++, ...fields }) });
    const events = [
      ev('response.created', { response: response('in_progress', [], false) }),
      ev('response.output_item.added', { output_index: 0, item: message('in_progress', []) }),
      ...pieces(text).map((delta) => ev('response.output_text.delta', { item_id: msgId, output_index: 0, content_index: 0, delta, logprobs: [] })),
      ev('response.output_item.done', { output_index: 0, item: message('completed', [outputText]) }),
      ev(truncated ? 'response.incomplete' : 'response.completed', { response: response(truncated ? 'incomplete' : 'completed', [message('completed', [outputText])], true) }),
    ];
    return sendSse(res, mode, events);
  }

  async function embeddings(b: Record<string, unknown>, res: ServerResponse, mode: Mode) {
    const inputs = Array.isArray(b.input) ? (b.input as unknown[]).map(String) : [String(b.input ?? '')];
    const dim = opts.embeddingDim ?? 8;
    return sendBody(res, mode, {
      object: 'list',
      model: String(b.model ?? ''),
      data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: hashVector(text, dim) })),
      usage: { prompt_tokens: inputs.reduce((a, t) => a + words(t).length, 0), total_tokens: inputs.reduce((a, t) => a + words(t).length, 0) },
    });
  }

  /** A JSON response, honouring the malformed / cut faults. */
  function sendBody(res: ServerResponse, mode: Mode, payload: unknown) {
    const json = JSON.stringify(payload);
    if (mode.malformed) return sendRaw(res, 200, '{"id": "broken", "choices": [tru', 'application/json');
    if (mode.cut !== null) {
      // Announce the full length, send half, then drop the connection.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      res.write(json.slice(0, Math.floor(json.length / 2)));
      return void setImmediate(() => res.destroy());
    }
    return sendRaw(res, 200, json, 'application/json');
  }

  /** Server-sent events, one write per event, with optional pauses, malformed data or a cut. */
  async function sendSse(res: ServerResponse, mode: Mode, events: { event?: string; data: string }[]) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    if (mode.malformed) events.splice(1, 0, { data: '{"choices": [{"delta": {"content": "oops' });
    for (let i = 0; i < events.length; i++) {
      if (mode.cut !== null && i >= mode.cut) {
        // Flush what was written, then kill the connection without ending the chunked body.
        await sleep(5, res);
        res.destroy();
        return;
      }
      if (i > 0 && !(await sleep(opts.chunkDelayMs ?? 0, res))) return;
      if (res.destroyed) return;
      const e = events[i];
      res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${e.data}\n\n`);
    }
    res.end();
  }

  function sendStatusFault(res: ServerResponse, f: Extract<Fault, { kind: 'status' }>) {
    const headers: Record<string, string> = {};
    if (f.retryAfter !== undefined) headers['retry-after'] = f.retryAfter;
    if (f.retryAfterMs !== undefined) headers['retry-after-ms'] = f.retryAfterMs;
    const type = f.status === 429 ? 'rate_limit_exceeded' : f.status >= 500 ? 'server_error' : 'invalid_request_error';
    const body = f.body ?? JSON.stringify({ error: { message: `injected ${f.status}`, type, param: null, code: type } });
    sendRaw(res, f.status, body, 'application/json', headers);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    setFaults(f) {
      faults = Array.isArray(f) ? [...f] : f;
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}


function sendRaw(res: ServerResponse, status: number, body: string, type: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, payload: unknown) {
  sendRaw(res, status, JSON.stringify(payload), 'application/json');
}

/** Splits an answer into word pieces that concatenate back to it exactly. */
function pieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [text];
}

/** Text of a message content: a string, or an array of {type, text} parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === 'object' && 'text' in p ? String((p as { text: unknown }).text) : '')).join('');
  return '';
}

function chatPrompt(b: Record<string, unknown>): PromptInfo {
  const messages = Array.isArray(b.messages) ? (b.messages as { role?: string; content?: unknown }[]) : [];
  const p = fromMessages(messages, String(b.model ?? ''));
  if (b.response_format !== undefined) p.responseFormat = b.response_format;
  return p;
}

function responsesPrompt(b: Record<string, unknown>): PromptInfo {
  const input = typeof b.input === 'string' ? [{ role: 'user', content: b.input }] : Array.isArray(b.input) ? (b.input as { role?: string; content?: unknown }[]) : [];
  const p = fromMessages(input, String(b.model ?? ''));
  if (typeof b.instructions === 'string') p.system = [b.instructions, p.system].filter(Boolean).join('\n');
  const format = (b.text as { format?: unknown } | undefined)?.format;
  if (format !== undefined) p.responseFormat = format;
  return p;
}

function fromMessages(messages: { role?: string; content?: unknown }[], model: string): PromptInfo {
  const system = messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => contentText(m.content));
  const user = messages.filter((m) => m.role === 'user').map((m) => contentText(m.content));
  return { system: system.length ? system.join('\n') : undefined, user: user.join('\n'), model };
}

/** A deterministic unit-ish vector from the hash of a text (so equal texts embed equally). */
export function hashVector(text: string, dim: number): number[] {
  const out: number[] = [];
  let block = createHash('sha256').update(text).digest();
  for (let i = 0; i < dim; i++) {
    if (i > 0 && i % 16 === 0) block = createHash('sha256').update(block).digest();
    out.push((block.readUInt16BE((i % 16) * 2) / 65535) * 2 - 1);
  }
  return out;
}
