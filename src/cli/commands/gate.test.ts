import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeQuestions, makeRun, simulated, withChanges } from '../../compare/test-fixtures.js';
import { GateConfigSchema } from '../../gate/config.js';
import { InputError } from '../../util/errors.js';
import { registerCompare } from './compare.js';
import { registerGate } from './gate.js';

const questions = makeQuestions(200);
const pipelines = { 'closed-book': simulated(0.3, 1), rag: simulated(0.7, 2) };
let dir: string;
const files = { base: '', same: '', worse: '', otherDataset: '', config: '' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragvft-cli-'));
  const write = async (name: string, value: unknown) => {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify(value));
    return path;
  };
  files.base = await write('base.json', makeRun({ id: 'base', questions, pipelines }));
  files.same = await write('same.json', makeRun({ id: 'same', questions, pipelines }));
  files.worse = await write('worse.json', makeRun({ id: 'worse', questions, pipelines: { ...pipelines, rag: withChanges(pipelines.rag, (_q, i, o) => (o.correct && i % 3 === 0 ? { correct: false } : undefined)) } }));
  files.otherDataset = await write('other.json', makeRun({ id: 'other', datasetHash: 'different', questions, pipelines }));
  const loose = Object.fromEntries(['maxAccuracyDrop', 'maxF1Drop', 'maxExactMatchDrop', 'maxAbstentionDrop', 'maxHallucinationRise', 'maxStaleRise', 'maxMissingRise'].map((t) => [t, 0.9]));
  files.config = await write('config.json', { gate: { thresholds: { pipelines: { rag: loose } } } });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI in-process; returns stdout and the exit code the command set. */
async function run(...args: string[]): Promise<{ out: string; code: number }> {
  const program = new Command('ragvft');
  registerCompare(program);
  registerGate(program, {
    loadGateConfig: async (path) => GateConfigSchema.parse(path ? JSON.parse(await readFile(path, 'utf8')).gate : {}),
  });
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'ragvft', ...args]);
  } finally {
    spy.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  return { out, code };
}

afterEach(() => {
  process.exitCode = undefined;
  vi.unstubAllEnvs();
});

describe('ragvft gate (in-process)', () => {
  it('passes an unchanged rerun (exit 0)', async () => {
    const { out, code } = await run('gate', '--baseline', files.base, '--current', files.same);
    expect(code).toBe(0);
    // 2 pipelines × 11 thresholds (the leak checks skip: no restricted questions).
    expect(out).toMatch(/PASSED \(22 checks, 0 failed/);
  });

  it('fails a planted regression (exit 1), writes JUnit and appends to the job summary', async () => {
    const junit = join(dir, 'out', 'junit.xml');
    const summary = join(dir, 'summary.md');
    await writeFile(summary, '# earlier step\n');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    const { out, code } = await run('gate', '--baseline', files.base, '--current', files.worse, '--junit', junit, '--format', 'md');
    expect(code).toBe(1);
    expect(out).toMatch(/^## ragvft gate: ❌ FAILED/);
    expect(out).toMatch(/- rag: accuracy dropped by 0\.\d{3}, more than the allowed 0\.020/);
    expect(out).toMatch(/- rag: strict F1 dropped by 0\.\d{3}, more than the allowed 0\.020/i);
    expect(out).not.toMatch(/- closed-book:/);
    const xml = await readFile(junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(22);
    expect(xml).toContain('<failure message="rag: accuracy dropped by');
    const md = await readFile(summary, 'utf8');
    expect(md.startsWith('# earlier step\n## ragvft gate: ❌ FAILED')).toBe(true);
  });

  it('reads thresholds through loadGateConfig (--config)', async () => {
    const { out, code } = await run('gate', '--baseline', files.base, '--current', files.worse, '--config', files.config);
    expect(code).toBe(0);
    expect(out).toMatch(/PASSED \(22 checks, 0 failed/);
  });

  it('throws InputError for incomparable runs and notes it in the job summary', async () => {
    const summary = join(dir, 'summary2.md');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    await expect(run('gate', '--baseline', files.base, '--current', files.otherDataset)).rejects.toThrow(/not comparable: dataset hashes differ/);
    expect(await readFile(summary, 'utf8')).toMatch(/could not run/);
  });

  it('turns usage errors into InputError (exit 2, never 1)', async () => {
    await expect(run('gate', '--current', files.same)).rejects.toBeInstanceOf(InputError);
    await expect(run('gate', '--baseline', files.base, '--format', 'xml')).rejects.toThrow(/--format.*xml.*invalid|Allowed choices/i);
  });

  it('takes --format choices from the reporter registry: json parses, junit prints JUnit XML', async () => {
    const json = await run('gate', '--baseline', files.base, '--current', files.worse, '--format', 'json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out);
    expect(report.passed).toBe(false);
    expect(report.violations.map((v: { pipeline: string }) => v.pipeline)).toContain('rag');
    const junit = await run('gate', '--baseline', files.base, '--current', files.same, '--format', 'junit');
    expect(junit.code).toBe(0);
    expect(junit.out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ragvft gate"')).toBe(true);
    expect(junit.out.match(/<testcase /g)).toHaveLength(22);
  });

  it('--junit <file> writes the same XML as --format junit prints', async () => {
    const file = join(dir, 'same-junit.xml');
    const { out } = await run('gate', '--baseline', files.base, '--current', files.worse, '--junit', file, '--format', 'junit');
    expect(await readFile(file, 'utf8')).toBe(out);
  });
});

describe('terminal output fits 100 columns', () => {
  it('gate and compare tables, prose included', async () => {
    for (const args of [['gate', '--baseline', files.base, '--current', files.worse], ['compare', files.base, files.worse]]) {
      const { out } = await run(...args);
      for (const line of out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    }
  });
});

describe('ragvft compare (in-process)', () => {
  it('prints table, Markdown and JSON', async () => {
    expect((await run('compare', files.base, files.worse)).out).toContain('Pipeline rag: 200 questions');
    expect((await run('compare', files.base, files.worse, '--format', 'md')).out).toMatch(/^## ragvft compare/);
    const json = JSON.parse((await run('compare', files.base, files.worse, '--format', 'json')).out);
    expect(json.version).toBe('2.0');
    expect(json.pipelines.find((p: { pipeline: string }) => p.pipeline === 'rag').metrics.accuracy.questions).toBe(170);
    expect(json.a.label).toBe(files.base);
  });

  it('refuses a format the registry has but comparisons do not support (InputError, exit 2)', async () => {
    await expect(run('compare', files.base, files.worse, '--format', 'junit')).rejects.toBeInstanceOf(InputError);
    await expect(run('compare', files.base, files.worse, '--format', 'junit')).rejects.toThrow(/Allowed choices are table, md, json/);
  });

  it('refuses a different dataset unless --force', async () => {
    await expect(run('compare', files.base, files.otherDataset)).rejects.toThrow(/not comparable: dataset hashes differ .*Use --force/);
    const { out } = await run('compare', files.base, files.otherDataset, '--force');
    expect(out).toMatch(/Forced comparison of 200 common questions only/);
  });
});

describe('exit codes through a real process', () => {
  /**
   * A stand-in for src/cli/main.ts (which does not register these commands yet): same
   * exitOverride and error mapping. It lives in a temp dir (outside the package), hence absolute
   * imports.
   */
  const harness = `
import { Command, CommanderError } from ${JSON.stringify(resolve('node_modules/commander/esm.mjs'))};
import { registerCompare } from ${JSON.stringify(resolve('src/cli/commands/compare.ts'))};
import { registerGate } from ${JSON.stringify(resolve('src/cli/commands/gate.ts'))};
import { GateConfigSchema } from ${JSON.stringify(resolve('src/gate/config.ts'))};
import { InputError } from ${JSON.stringify(resolve('src/util/errors.ts'))};
const program = new Command('ragvft').exitOverride();
registerCompare(program);
registerGate(program, { loadGateConfig: async () => GateConfigSchema.parse({}) });
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 2;
  else if (e instanceof InputError) {
    process.stderr.write('ragvft: ' + e.message + '\\n');
    process.exitCode = 2;
  } else throw e;
}
`;

  it('exits 0 / 1 / 2', async () => {
    const main = join(dir, 'main.mts');
    await writeFile(main, harness);
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', main, ...args], { encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: '' } });
    expect(cli('gate', '--baseline', files.base, '--current', files.same).status).toBe(0);
    expect(cli('gate', '--baseline', files.base, '--current', files.worse).status).toBe(1);
    const incomparable = cli('gate', '--baseline', files.base, '--current', files.otherDataset);
    expect(incomparable.status).toBe(2);
    expect(incomparable.stderr).toMatch(/not comparable: dataset hashes differ/);
    const usage = cli('gate');
    expect(usage.status).toBe(2);
    expect(usage.stderr.trim()).toBe("ragvft: required option '--baseline <file>' not specified");
    expect(cli('gate', '--help').status).toBe(0);
    expect(cli('compare', files.base, join(dir, 'missing.json')).status).toBe(2);
    const unsupported = cli('compare', files.base, files.same, '--format', 'junit');
    expect(unsupported.status).toBe(2);
    expect(unsupported.stderr).toMatch(/junit.*Allowed choices are table, md, json/);
  });
});
