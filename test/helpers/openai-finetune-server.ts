/**
 * A loopback fake of OpenAI's Files and Fine-tuning APIs (127.0.0.1, node:http), enough for the
 * official `openai` client: POST /v1/files (multipart), POST/GET /v1/fine_tuning/jobs,
 * GET /v1/fine_tuning/jobs/:id, GET .../events, POST .../cancel. Each created job follows the
 * scenario set at the time: it ends (succeeded, failed or cancelled) after a number of polls,
 * answers slowly if asked, and the create call can first meet 429s with retry-after-ms.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readBody } from '../../src/util/http-body.js';

export interface FtScenario {
  outcome: 'succeeded' | 'failed' | 'cancelled';
  /** Retrieve calls until the job ends (the first ones see validating_files, then running). */
  polls: number;
  error?: { code: string; message: string };
  /** trained_tokens reported at the end, per epoch. */
  tokensPerEpoch?: number;
  /** Delay of every retrieve answer (slow polling). */
  retrieveDelayMs?: number;
  /** 429 answers before the next create succeeds, with this retry-after-ms. */
  createRateLimits?: number;
  retryAfterMs?: number;
}

export interface FakeFile {
  id: string;
  filename: string;
  purpose: string;
  content: string;
}

interface Job {
  json: Record<string, unknown>;
  events: Record<string, unknown>[];
  scenario: FtScenario;
  polls: number;
}

export interface FakeFinetuneServer {
  url: string;
  files: FakeFile[];
  /** Created jobs, oldest first (their current JSON). */
  jobs(): Record<string, unknown>[];
  /** Every request: method and path. */
  requests: { method: string; path: string; body: unknown }[];
  setScenario(s: FtScenario): void;
  /** Makes the jobs already created follow `s` from now on. */
  updateJobs(s: Partial<FtScenario>): void;
  close(): Promise<void>;
}

export async function startFakeFinetuneServer(initial: FtScenario): Promise<FakeFinetuneServer> {
  let scenario = { ...initial };
  let rateLimitsLeft = scenario.createRateLimits ?? 0;
  const files: FakeFile[] = [];
  const jobs = new Map<string, Job>();
  const requests: FakeFinetuneServer['requests'] = [];
  const sockets = new Set<Socket>();
  const now = () => Math.floor(Date.now() / 1000);
  let seq = 0;
  const nextId = (prefix: string) => `${prefix}-${String(++seq).padStart(6, '0')}`;

  const event = (job: Job, message: string, level = 'info') => {
    job.events.push({ object: 'fine_tuning.job.event', id: nextId('ftevent'), created_at: now(), level, message, type: 'message' });
  };

  /** One poll: the job moves on, and ends on the scenario's poll. */
  const advance = (job: Job) => {
    const j = job.json;
    if (['succeeded', 'failed', 'cancelled'].includes(j.status as string)) return;
    job.polls++;
    const s = job.scenario;
    if (job.polls >= s.polls) {
      j.status = s.outcome;
      j.finished_at = now();
      if (s.outcome === 'succeeded') {
        const epochs = j.hyperparameters as { n_epochs: number };
        j.fine_tuned_model = `ft:${j.model as string}:ragvft-test:${(j.suffix as string | undefined) ?? ''}:${(j.id as string).slice(-6)}`;
        j.trained_tokens = (s.tokensPerEpoch ?? 1000) * epochs.n_epochs;
        event(job, 'The job has successfully completed');
      } else if (s.outcome === 'failed') {
        j.error = s.error ?? { code: 'invalid_training_file', message: 'The training file is invalid', param: 'training_file' };
        event(job, `Job failed: ${(j.error as { message: string }).message}`, 'error');
      } else {
        event(job, 'Job was cancelled');
      }
    } else {
      j.status = job.polls === 1 ? 'validating_files' : 'running';
      event(job, job.polls === 1 ? `Validating training file: ${j.training_file as string}` : `Step ${job.polls - 1}: training loss=${(1 / job.polls).toFixed(3)}`);
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => send(res, 500, { error: { message: `fake server bug: ${String(err)}`, type: 'server_error' } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? '';
    const type = req.headers['content-type'] ?? '';
    const body: unknown = type.startsWith('application/json') && raw.length ? JSON.parse(raw.toString('utf8')) : null;
    requests.push({ method, path, body });

    if (method === 'POST' && path === '/v1/files') {
      const parts = parseMultipart(raw, type);
      const file = parts.find((p) => p.name === 'file');
      if (!file) return send(res, 400, { error: { message: 'no file', type: 'invalid_request_error' } });
      const f: FakeFile = { id: nextId('file'), filename: file.filename ?? '', purpose: parts.find((p) => p.name === 'purpose')?.value ?? '', content: file.value };
      files.push(f);
      return send(res, 200, { id: f.id, object: 'file', bytes: Buffer.byteLength(f.content), created_at: now(), filename: f.filename, purpose: f.purpose, status: 'processed' });
    }
    if (path === '/v1/fine_tuning/jobs' && method === 'POST') {
      if (rateLimitsLeft > 0) {
        rateLimitsLeft--;
        return send(res, 429, { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' } }, { 'retry-after-ms': String(scenario.retryAfterMs ?? 10) });
      }
      const b = body as { model: string; training_file: string; suffix?: string; metadata?: object; method?: { supervised?: { hyperparameters?: { n_epochs?: number } } } };
      if (!files.some((f) => f.id === b.training_file && f.purpose === 'fine-tune')) return send(res, 400, { error: { message: `invalid training_file: ${b.training_file}`, type: 'invalid_request_error' } });
      const id = nextId('ftjob');
      const n = b.method?.supervised?.hyperparameters?.n_epochs ?? 3;
      const job: Job = {
        json: {
          object: 'fine_tuning.job', id, model: b.model, created_at: now(), finished_at: null, fine_tuned_model: null, organization_id: 'org-test', result_files: [],
          status: 'validating_files', validation_file: null, training_file: b.training_file, hyperparameters: { n_epochs: n, batch_size: 'auto', learning_rate_multiplier: 'auto' },
          trained_tokens: null, error: null, seed: 1, suffix: b.suffix, metadata: b.metadata ?? null,
        },
        events: [],
        scenario: { ...scenario },
        polls: 0,
      };
      event(job, `Created fine-tuning job: ${id}`);
      jobs.set(id, job);
      return send(res, 200, job.json);
    }
    if (path === '/v1/fine_tuning/jobs' && method === 'GET') {
      return send(res, 200, { object: 'list', data: [...jobs.values()].reverse().map((j) => j.json), has_more: false });
    }
    const m = /^\/v1\/fine_tuning\/jobs\/([^/]+)(\/events|\/cancel)?$/.exec(path);
    const job = m ? jobs.get(m[1]!) : undefined;
    if (!job) return send(res, 404, { error: { message: `no such job: ${path}`, type: 'invalid_request_error' } });
    if (m![2] === '/cancel' && method === 'POST') {
      job.scenario = { ...job.scenario, outcome: 'cancelled', polls: 0 };
      advance(job);
      return send(res, 200, job.json);
    }
    if (m![2] === '/events') return send(res, 200, { object: 'list', data: [...job.events].reverse(), has_more: false });
    if (job.scenario.retrieveDelayMs) await new Promise((r) => setTimeout(r, job.scenario.retrieveDelayMs));
    advance(job);
    return send(res, 200, job.json);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    files,
    jobs: () => [...jobs.values()].map((j) => j.json),
    requests,
    setScenario(s) {
      scenario = { ...s };
      rateLimitsLeft = s.createRateLimits ?? 0;
    },
    updateJobs(s) {
      for (const j of jobs.values()) j.scenario = { ...j.scenario, ...s };
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}


function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
  const json = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), ...headers });
  res.end(json);
}

/** The fields of a multipart/form-data body (text values; enough for JSONL uploads). */
function parseMultipart(raw: Buffer, contentType: string): { name: string; filename?: string; value: string }[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return [];
  const text = raw.toString('utf8');
  return text
    .split(`--${boundary[1] ?? boundary[2]}`)
    .slice(1, -1)
    .map((part) => {
      const [head, ...rest] = part.replace(/^\r\n/, '').split('\r\n\r\n');
      const value = rest.join('\r\n\r\n').replace(/\r\n$/, '');
      return { name: /name="([^"]*)"/.exec(head!)?.[1] ?? '', filename: /filename="([^"]*)"/.exec(head!)?.[1], value };
    });
}
