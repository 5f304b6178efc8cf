/**
 * How the CLI is launched: `npm run bench` and the `ragvft` bin run the compiled CLI as one
 * process, so a terminal's Ctrl-C and a SIGTERM reach the bench itself (clean stop, resume
 * command, lock released, nothing orphaned), and the bin works from any folder.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultSchema } from '../src/results/schema.js';
import { readJournal } from '../src/run/journal.js';
import { HARNESS_VERSION } from '../src/version.js';
import { BIN, buildDist, ROOT } from './helpers/dist.js';
import { type Fault, startOpenAIServer, type OpenAIServer } from './helpers/openai-server.js';
import { journalWith } from './helpers/runs.js';
import { writeTinyDataset } from './helpers/tiny-dataset.js';

const PAIRS = 2 * 5; // two pipelines, five questions of the tiny dataset
/** Every answer takes this long, so a run at concurrency 1 is still going when it is signalled. */
const SLOW = (): Fault => ({ kind: 'delay', ms: 300 });

let server: OpenAIServer;
let work: string;
let datasetDir: string;
/** Datasets written by scenarios, removed at the end. */
const datasets: string[] = [];

beforeAll(async () => {
  buildDist();
  work = mkdtempSync(join(tmpdir(), 'ragvft-launch-'));
  datasetDir = writeTinyDataset();
  server = await startOpenAIServer();
});

afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
  for (const dir of [datasetDir, ...datasets]) rmSync(dir, { recursive: true, force: true });
});

interface Scenario {
  config: string;
  outDir: string;
  cacheDir: string;
}

/** A config file (absolute paths throughout) in a folder of its own; `.ts` makes it TypeScript. */
function scenario(name: string, over: Record<string, unknown>, file = 'config.json'): Scenario {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const s = { config: join(dir, file), outDir: join(dir, 'results'), cacheDir: join(dir, 'cache') };
  const config = {
    outDir: s.outDir,
    cacheDir: s.cacheDir,
    finetune: {},
    embedding: { model: 'local:ppmi-svd', dim: 32 },
    retrieval: { chunkSize: 60, chunkOverlap: 10, k: 2 },
    preflight: false,
    ...over,
  };
  const json = JSON.stringify(config, null, 2);
  // The type annotation makes it TypeScript for real (loaded through tsx).
  writeFileSync(s.config, file.endsWith('.ts') ? `const config: Record<string, unknown> = ${json};\nexport default config;\n` : json);
  return s;
}

/** The tiny dataset at concurrency 1: a pipeline on the loopback server and one on a local model. */
function tinyScenario(name: string, file?: string): Scenario {
  return scenario(
    name,
    {
      dataset: datasetDir,
      providers: { srv: { type: 'openai-compatible', baseURL: server.url } },
      models: { remote: 'srv:model-a', reader: 'local:reader' },
      pipelines: [
        { name: 'remote', model: 'remote', retrieval: true },
        { name: 'local', model: 'reader', retrieval: true },
      ],
      concurrency: 1,
    },
    file,
  );
}

/** Questions of the local scenario. */
const LOCAL_QUESTIONS = 80;

/**
 * The kind of work the default bench does: local models answering the bundled dataset's questions
 * (part of them), records coming in quickly, so its main thread is seldom idle for long. A last
 * pipeline on the loopback server (slow while `SLOW` is set) keeps the run going however late a
 * loaded machine lets the test send its signal.
 */
function localScenario(name: string): Scenario {
  const fixture = join(ROOT, 'fixtures/aurelia');
  const dataset = writeTinyDataset({
    manifest: { schemaVersion: 1, name: 'aurelia-part', trainingCutoff: '2030-06-30', corpus: 'corpus.jsonl', questions: 'questions.jsonl', finetune: { plain: 'finetune.jsonl' } },
    corpus: readFileSync(join(fixture, 'corpus.jsonl'), 'utf8'),
    questions: `${readFileSync(join(fixture, 'questions.jsonl'), 'utf8').split('\n').slice(0, LOCAL_QUESTIONS).join('\n')}\n`,
  });
  datasets.push(dataset);
  return scenario(name, {
    dataset,
    providers: { srv: { type: 'openai-compatible', baseURL: server.url } },
    models: { reader: 'local:reader', remote: 'srv:model-a' },
    pipelines: [
      { name: 'closed-book', model: 'reader', retrieval: false },
      { name: 'rag', model: 'reader', retrieval: true },
      { name: 'remote', model: 'remote', retrieval: true },
    ],
  });
}

interface Child {
  proc: ChildProcessByStdio<null, Readable, Readable>;
  out: () => string;
  /** The process exited (what it started may still hold its output open). */
  gone: Promise<void>;
  /** The process exited and its output is closed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A command in its own process group (as a terminal runs a job), output captured. */
function start(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Child {
  const proc = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const gone = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('close', (code, signal) => resolve({ code, signal })));
  return { proc, out: () => out, gone, exited };
}

/** Waits for `probe`; fails as soon as the child exits without it (the test timeout is the backstop). */
async function waitFor<T>(what: string, probe: () => T | null, child: Child): Promise<T> {
  for (;;) {
    const v = probe();
    if (v !== null) return v;
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) throw new Error(`exited before ${what}:\n${child.out()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Pids of live processes whose command line names `text` (Linux /proc). */
function processesNaming(text: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** Ends whatever a failed test left running: the child's group, and anything still naming its config. */
function cleanUp(child: Child | undefined, config: string): void {
  if (child && child.proc.exitCode === null && child.proc.signalCode === null) process.kill(-child.proc.pid!, 'SIGKILL');
  for (const pid of processesNaming(config)) process.kill(pid, 'SIGKILL');
}

/** How a shell reports a job's status: 128 + signal number for one killed by a signal. */
function shellStatus(exit: { code: number | null; signal: NodeJS.Signals | null }): number | null {
  return exit.signal ? 128 + osConstants.signals[exit.signal] : exit.code;
}

describe('npm run bench', () => {
  // npm runs scripts through sh; where sh is bash (macOS, some Linux distributions) the shell
  // exec's node, and npm passes the terminal's SIGINT on to it a second time.
  for (const shell of ['sh', 'bash']) {
    it(`one Ctrl-C to the terminal's process group stops the run cleanly (scripts run by ${shell}): status 130, resume command, lock released`, async () => {
      const s = localScenario(`ctrl-c-${shell}`);
      server.setFaults(SLOW);
      let child: Child | undefined;
      try {
        child = start('npm', ['run', 'bench', '--', '--config', s.config], ROOT, { npm_config_script_shell: shell });
        const journal = await waitFor('journal records', () => journalWith(s.cacheDir, 20), child);
        process.kill(-child.proc.pid!, 'SIGINT'); // what a terminal does on Ctrl-C: the whole foreground group
        const exit = await child.exited;
        const out = child.out();
        expect(shellStatus(exit), out).toBe(130);
        const hint = `npm run bench -- --config ${s.config} --resume ${journal.runId}`;
        expect(out).toContain(`run ${journal.runId} stopped; answers so far are saved. Resume with: ${hint}`);
        expect(existsSync(join(journal.dir, 'lock'))).toBe(false);
        const { records } = readJournal(journal.dir);
        const pairs = 3 * LOCAL_QUESTIONS;
        expect(records.length).toBeLessThan(pairs);
        expect(records.filter((r) => r.error)).toEqual([]);

        // The printed command finishes the run.
        server.setFaults(undefined);
        child = start('sh', ['-c', hint], ROOT);
        expect(await child.exited, child.out()).toEqual({ code: 0, signal: null });
        const result = ResultSchema.parse(JSON.parse(readFileSync(join(s.outDir, 'latest.json'), 'utf8')));
        expect(result.run).toMatchObject({ id: journal.runId, resumed: true });
        expect(result.records).toHaveLength(pairs);
      } finally {
        server.setFaults(undefined);
        cleanUp(child, s.config);
      }
    });
  }
});

describe('the ragvft bin', () => {
  it('SIGTERM stops the bench itself and leaves no process behind', async () => {
    const s = tinyScenario('sigterm');
    server.setFaults(SLOW);
    let child: Child | undefined;
    try {
      child = start(process.execPath, [BIN, 'bench', '--config', s.config], ROOT);
      const journal = await waitFor('a journal record', () => journalWith(s.cacheDir, 1), child);
      child.proc.kill('SIGTERM'); // to the bin's process only, as a process manager does
      await child.gone;
      expect(processesNaming(s.config)).toEqual([]);
      expect(await child.exited, child.out()).toEqual({ code: 130, signal: null });
      expect(child.out()).toContain(`Resume with: npm run bench -- --config ${s.config} --resume ${journal.runId}`);
      expect(existsSync(join(journal.dir, 'lock'))).toBe(false);
    } finally {
      server.setFaults(undefined);
      cleanUp(child, s.config);
    }
  });

  it('a SIGTERM to npm alone (its sh dies, the bench is handed to init) still stops the bench: nothing outlives npm', async () => {
    const s = tinyScenario('sigterm-npm');
    server.setFaults(SLOW);
    let child: Child | undefined;
    try {
      child = start('npm', ['run', 'bench', '--', '--config', s.config], ROOT, { npm_config_script_shell: 'sh' });
      const journal = await waitFor('a journal record', () => journalWith(s.cacheDir, 1), child);
      child.proc.kill('SIGTERM'); // npm only, as `timeout` or a container runtime does
      await child.gone;
      // The bench notices its parent went away and stops like on SIGTERM: calls in flight finish, lock released.
      for (let i = 0; i < 200 && processesNaming(s.config).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(processesNaming(s.config)).toEqual([]);
      // Stopped, not run to the end by a bench nobody waits for: no result, a resumable journal.
      expect(existsSync(join(s.outDir, 'latest.json'))).toBe(false);
      expect(existsSync(join(journal.dir, 'lock'))).toBe(false);
      expect(readJournal(journal.dir).records.filter((r) => r.error)).toEqual([]);
    } finally {
      server.setFaults(undefined);
      cleanUp(child, s.config);
    }
  });

  it('works from a folder outside the package: --version, and a bench with an absolute --config in TypeScript', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'ragvft-elsewhere-'));
    const s = tinyScenario('elsewhere', 'bench.config.ts');
    let child: Child | undefined;
    try {
      child = start(process.execPath, [BIN, '--version'], elsewhere);
      expect(await child.exited, child.out()).toEqual({ code: 0, signal: null });
      expect(child.out().trim()).toBe(HARNESS_VERSION);

      child = start(process.execPath, [BIN, 'bench', '--config', s.config, '--quiet'], elsewhere);
      expect(await child.exited, child.out()).toEqual({ code: 0, signal: null });
      const result = ResultSchema.parse(JSON.parse(readFileSync(join(s.outDir, 'latest.json'), 'utf8')));
      expect(result.records).toHaveLength(PAIRS);
      expect(result.records.filter((r) => r.error)).toEqual([]);
      expect(readdirSync(elsewhere)).toEqual([]); // everything went where the config said
    } finally {
      cleanUp(child, s.config);
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
