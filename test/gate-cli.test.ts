/**
 * `ragvft gate` as CI runs it, the real CLI in a child process: a JUnit path that cannot be
 * written is bad input reported before any verdict, and the gate runs in any folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeQuestions, makeRun, simulated } from '../src/compare/test-fixtures.js';
import { GateConfigSchema } from '../src/gate/config.js';
import { runCli } from './helpers/cli.js';

let dir: string;
const files = { base: '', same: '' };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ragvft-gate-cli-'));
  const questions = makeQuestions(100);
  const pipelines = { 'closed-book': simulated(0.3, 1), rag: simulated(0.7, 2) };
  for (const name of ['base', 'same'] as const) {
    files[name] = join(dir, `${name}.json`);
    writeFileSync(files[name], JSON.stringify(makeRun({ id: name, questions, pipelines })));
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every file under `root`, as relative paths. */
const listing = (root: string) => readdirSync(root, { recursive: true, encoding: 'utf8' }).sort();

describe('ragvft gate --junit <path that cannot be written>', () => {
  const env = { GITHUB_STEP_SUMMARY: '' };

  it.each([
    ['its parent is a file', (d: string) => (writeFileSync(join(d, 'plain'), 'x'), join(d, 'plain', 'junit.xml'))],
    ['it is a folder', (d: string) => (mkdirSync(join(d, 'taken')), join(d, 'taken'))],
  ])('%s: exit 2, one line naming the path, no verdict printed, no temp file left', async (_case, makePath) => {
    const work = mkdtempSync(join(dir, 'junit-'));
    const junit = makePath(work);
    const before = listing(work);
    const run = await runCli(['gate', '--baseline', files.base, '--current', files.same, '--junit', junit], { env });
    expect(run.code, run.stderr).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(junit);
    expect(run.stdout).not.toMatch(/PASSED|FAILED/);
    expect(listing(work)).toEqual(before);
  });
});

describe('ragvft gate outside the repository', () => {
  it('without --config, takes the thresholds of the metric registry', async () => {
    const elsewhere = mkdtempSync(join(dir, 'elsewhere-'));
    const run = await runCli(['gate', '--baseline', files.base, '--current', files.same, '--format', 'json'], { cwd: elsewhere, env: { GITHUB_STEP_SUMMARY: '' } });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { passed: boolean; checks: { pipeline: string; threshold: string; limit: number | null }[] };
    expect(report.passed).toBe(true);
    // The defaults, latency included (the repository's default config switches that check off).
    const defaults = GateConfigSchema.parse({}).thresholds.default;
    const limits = Object.fromEntries(report.checks.filter((c) => c.pipeline === 'rag').map((c) => [c.threshold, c.limit]));
    expect(limits).toEqual(defaults);
  });
});
