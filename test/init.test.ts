import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, loadFinetuneData } from '../src/dataset/load.js';
import { InitIncomplete, runInit, type InitOptions } from '../src/init/run.js';
import { createProgress } from '../src/run/progress.js';
import { runCli } from './helpers/cli.js';
import { CUTOFF, makeGitCorpus, scriptedGenerator, writeInitConfig } from './helpers/init-corpus.js';
import { type OpenAIServer, type RecordedRequest, startOpenAIServer } from './helpers/openai-server.js';

const quiet = createProgress({ write: () => true }, true);
const userOf = (r: RecordedRequest) => JSON.stringify((r.body as { messages?: unknown }).messages ?? '');

describe('ragvft init from a git repository', () => {
  let server: OpenAIServer;
  let repo: string;
  let work: string;
  let config: string;
  beforeAll(async () => {
    // In-process runs: the AI SDK would log its json_object warning on every call.
    (globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS = false;
    server = await startOpenAIServer({ answer: scriptedGenerator });
    repo = makeGitCorpus();
    work = mkdtempSync(join(tmpdir(), 'ragvft-init-'));
    config = writeInitConfig(work, server.url);
  });
  afterAll(() => server.close());

  const options = (out: string, over: Partial<InitOptions> = {}): InitOptions => ({
    source: repo,
    out,
    cutoff: CUTOFF,
    model: 'gen:writer',
    config,
    perUnit: 3,
    force: false,
    cache: true,
    history: true,
    confirm: async () => true,
    progress: quiet,
    command: 'ragvft init (test)',
    ...over,
  });

  it('resumes a failed run without asking again, and writes a dataset that validates', async () => {
    const out = join(work, 'ds');
    // First run: the near-miss generation for velm fails (400, not retried); the rest is journaled.
    server.setFaults((req) => (userOf(req).includes('Task: unanswerable\\nDocument: velm') ? { kind: 'status', status: 400 } : null));
    await expect(runInit(options(out))).rejects.toThrow(InitIncomplete);
    const before = server.requests.length;
    server.setFaults(undefined);
    // Second run, response cache off: only the failed generation and its one check are asked.
    const report = await runInit(options(out, { cache: false }));
    const asked = server.requests.slice(before).map(userOf);
    expect(asked).toHaveLength(2);
    expect(asked[0]).toContain('Task: unanswerable\\nDocument: velm');
    expect(asked[1]).toContain('Who designed the Velm bridge?');

    const ds = await loadDataset(out);
    const doc = (id: string) => ds.documents.find((d) => d.id === id)!;
    expect(ds.documents.map((d) => d.id).sort()).toEqual(['badan', 'badan-v2', 'kelor', 'velm']);
    expect(doc('badan')).toMatchObject({ validFrom: '2030-01-10', validTo: '2030-08-01', title: 'Badan (town)', access: ['staff', 'board'] });
    expect(doc('badan-v2')).toMatchObject({ validFrom: '2030-08-01', supersedes: 'badan', access: ['staff', 'board'] });
    expect(doc('badan-v2').validTo).toBeUndefined();
    expect(doc('kelor')).toMatchObject({ validFrom: '2030-01-10', validTo: '2030-09-01' });
    expect(doc('kelor').access).toBeUndefined();
    expect(doc('velm')).toMatchObject({ title: 'Velm bridge', validFrom: '2030-10-01' });
    expect(doc('velm').text).toContain('300 metres long & carries a railway');
    expect(doc('velm').text).not.toContain('<');

    const q = (text: string) => ds.questions.find((x) => x.question === text);
    expect(q('On which river is Badan?')).toMatchObject({ category: 'static', answers: ['Velm'], sourceDocIds: ['badan-v2'], asOf: '2030-10-01' });
    expect(q('Who is the mayor of Badan now?')).toMatchObject({ category: 'updated', answers: ['Mira Tal'], staleAnswers: ['Anna Kros'], sourceDocIds: ['badan-v2'] });
    expect(q('What does Kelor export?')).toMatchObject({ category: 'static', sourceDocIds: ['kelor'], asOf: CUTOFF });
    expect(q('In what year did the Velm bridge open?')).toMatchObject({ category: 'new', sourceDocIds: ['velm'] });
    expect(q('Who founded Badan?')).toMatchObject({ category: 'unanswerable', answers: [], nearMissDocIds: ['badan-v2'] });
    expect(q('Who designed the Velm bridge?')).toMatchObject({ category: 'unanswerable' });
    // Rejected, one reason each: changed after the cutoff, stale value not in the earlier version,
    // ambiguous at the check, a near miss whose guess is in the corpus.
    for (const gone of ['Who is the mayor of Badan?', 'How many people live in Badan?', 'What is Kelor?', 'How many people live in Kelor?']) expect(q(gone)).toBeUndefined();
    expect(report.rejections).toEqual({ 'answer-changed': 1, 'stale-not-in-earlier': 1, ambiguous: 1, 'answer-in-corpus': 1 });
    expect(report.questions).toEqual({ static: 2, updated: 1, new: 1, unanswerable: 2 });

    // Fine-tuning knows the cutoff only: the old mayor, nothing of the bridge, no benchmark wording.
    const plain = (await loadFinetuneData(ds, 'plain')).examples.map((e) => [e.messages[1]!.content, e.messages[2]!.content]);
    expect(plain.map((p) => p[1]).sort()).toEqual(['Anna Kros', 'Velm', 'salt']);
    expect(plain.map((p) => p[0])).not.toContain('Who is the mayor of Badan now?');
    expect((await loadFinetuneData(ds, 'paraphrase')).examples).toHaveLength(6);
    // Each example names the version valid at the cutoff; the restricted Badan page's are marked.
    const marks = (await loadFinetuneData(ds, 'plain')).examples.map((e) => [e.messages[2]!.content, e.sourceDocIds, e.restricted]);
    expect(marks).toEqual(expect.arrayContaining([['Anna Kros', ['badan'], true], ['Velm', ['badan'], true], ['salt', ['kelor'], undefined]]));

    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toContain('| commits | 4,');
    expect(readme).toContain(`| training cutoff | ${CUTOFF}`);
    expect(readme).toContain('`gen:writer`');
    expect(readme).toMatch(/ambiguous: .* \| 1 \|/);
    expect(readme).toContain('4 of 10 generated items were rejected');
  });

  it('answers a rerun from the journal and refuses a non-empty output folder', async () => {
    const out = join(work, 'ds2');
    await runInit(options(out));
    const before = server.requests.length;
    let estimate: { calls: number; journaled: number } | undefined;
    await runInit(options(out, { force: true, cache: false, confirm: async (e) => ((estimate = e), true) }));
    expect(server.requests.length).toBe(before);
    expect(estimate).toBeUndefined(); // nothing left to generate: no confirmation asked
    await expect(runInit(options(out))).rejects.toThrow(/not empty.*--force/);
  });

  it('CLI: refuses to spend without --yes off a terminal (exit 2), then writes a dataset validate accepts', async () => {
    const out = join(work, 'cli-ds');
    // A config of its own: the journal of the runs above would leave nothing to generate.
    const args = ['init', repo, '--out', out, '--cutoff', CUTOFF, '--model', 'gen:writer', '--config', writeInitConfig(work, server.url, 'cli')];
    const before = server.requests.length;
    const refused = await runCli(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/init: \d+ generation calls .*tokens\ncost: unknown/);
    expect(refused.stderr).toContain('pass --yes');
    expect(server.requests.length).toBe(before);
    const ok = await runCli([...args, '--yes', '--quiet', '--no-cache']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('rejected 4 of 10 generated items:\n');
    expect(ok.stdout).toMatch(/^ +1  ambiguous: the check found it ambiguous$/m);
    // Within 100 columns, the output folder's path (on a line of its own) aside.
    for (const line of `${refused.stderr}${ok.stdout}`.split('\n').filter((l) => !l.startsWith('wrote '))) expect(line.length, line).toBeLessThanOrEqual(100);
    const v = await runCli(['validate', out]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^ok: cli-ds — 4 documents, 6 questions/);
  });

  it('reads a plain folder (one undated version per file) and counts replies that are not JSON as rejections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ragvft-init-folder-'));
    writeFileSync(join(dir, 'kelor.md'), '# Kelor\n\nKelor is a port on the coast. Kelor exports salt.\n');
    writeFileSync(join(dir, 'garbled.txt'), 'A page the generator answers in prose.\n');
    const out = join(work, 'folder-ds');
    const report = await runInit(options(out, { source: dir }));
    const ds = await loadDataset(out);
    expect(ds.documents.map((d) => [d.id, d.title, d.validFrom])).toEqual([['garbled', 'garbled', undefined], ['kelor', 'Kelor', undefined]]);
    expect(report.questions).toEqual({ static: 1, unanswerable: 1 });
    // The static and unanswerable replies for garbled.txt, and Kelor's ambiguous item.
    expect(report.rejections).toEqual({ 'unparseable-generation': 2, ambiguous: 1 });
    expect(report.generatedItems).toBe(3);
  });
});
