/**
 * Regression tests: a server that echoes the Authorization header or a custom header into its
 * answer must not put the key into any file or stream; short keys are redacted too; escape
 * sequences in server text never reach the terminal.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeScenario } from './helpers/scenario.js';
import { runCli } from './helpers/cli.js';
import { startOpenAIServer, type OpenAIServer } from './helpers/openai-server.js';
import { writeTinyDataset } from './helpers/tiny-dataset.js';

const LONG_KEY = 'sk-echo-TEST-0123456789abcdef';
const SHORT_KEY = 'k3y9';
const HEADER_SECRET = 'hdr-Secret-77';

let server: OpenAIServer;
let work: string;
let datasetDir: string;

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

/** closed-book only on `echo:m`, whose provider sends a secret header. */
function config(name: string, over: Record<string, unknown> = {}): { dir: string; path: string } {
  const s = writeScenario(work, name, {
    dataset: datasetDir,
    providers: { echo: { type: 'openai-compatible', baseURL: server.url, apiKeyEnv: 'ECHO_KEY', headers: { 'x-team-token': HEADER_SECRET } } },
    models: { base: 'echo:m' },
    pipelines: [{ name: 'closed-book', model: 'base', retrieval: false }],
    cost: { prices: { 'echo:m': { input: 1, output: 1 } } },
    generation: { maxRetries: 0 },
    maxErrorRate: 1,
  }, over);
  return { dir: s.dir, path: s.config };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ragvft-secrets-'));
  datasetDir = writeTinyDataset();
  // Echoes what it was sent, as some misconfigured proxies and debug servers do.
  server = await startOpenAIServer({ answer: (p) => `You sent ${String(p.headers?.authorization)} and ${String(p.headers?.['x-team-token'])}` });
});

afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(datasetDir, { recursive: true, force: true });
});

describe('secrets echoed by a server', () => {
  for (const key of [LONG_KEY, SHORT_KEY]) {
    it(`never reach a result, journal, cache or output stream (key of ${key.length} characters)`, async () => {
      const c = config(`echo-${key.length}`);
      const run = await runCli(['bench', '--config', c.path], { env: { ECHO_KEY: key } });
      expect(run.code, run.stderr).toBe(0);
      // The server did answer with the key in its text: the test would be vacuous otherwise.
      expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${key}`);
      // Everything ragvft wrote (the config is the user's own input, which holds the header value).
      const files = listFiles(c.dir).filter((f) => f !== c.path);
      expect(files.some((f) => f.endsWith('latest.json'))).toBe(true);
      expect(files.some((f) => f.endsWith('records.jsonl'))).toBe(true);
      for (const secret of [key, HEADER_SECRET]) {
        expect(files.filter((f) => readFileSync(f, 'latin1').includes(secret))).toEqual([]);
        expect(run.stdout + run.stderr).not.toContain(secret);
      }
      const latest = JSON.parse(readFileSync(join(c.dir, 'results', 'latest.json'), 'utf8'));
      expect(latest.records[0].answer).toBe('You sent Bearer [REDACTED] and [REDACTED]');
    });
  }
});

describe('terminal escapes in server text', () => {
  it('are stripped from what the CLI prints', async () => {
    server.setFaults(() => ({ kind: 'status', status: 500, body: JSON.stringify({ error: { message: 'boom \u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u001b[0m', type: 'server_error' } }) }));
    try {
      const c = config('ansi');
      const run = await runCli(['bench', '--config', c.path], { env: { ECHO_KEY: LONG_KEY } });
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/boom/);
      expect(run.stderr).not.toMatch(/\u001b\]|\u001b\[2J|\u001b\[31m|\u0007/);
    } finally {
      server.setFaults(undefined);
    }
  });
});
