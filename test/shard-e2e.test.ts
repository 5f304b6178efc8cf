import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResultFile } from '../src/compare/read.js';
import type { ResultRecord, RunResult } from '../src/results/schema.js';
import { runCli } from './helpers/cli.js';
import { writeTinyDataset } from './helpers/tiny-dataset.js';

/** What a record says about the answer; timings, CPU and cache hits legitimately differ run to run. */
const outcome = ({ latencyMs: _l, cpuMs: _c, embedCached: _e, cached: _k, ...r }: ResultRecord) => r;
const figures = (r: RunResult) =>
  r.pipelines.map(({ summary: s, ...p }) => ({ ...p, questions: s.questions, errors: s.errors, abstentions: s.abstentions, metrics: s.metrics, byCategory: s.byCategory }));

describe('bench --shard i/n, then merge', () => {
  const work = mkdtempSync(join(tmpdir(), 'ragvft-shard-'));
  const dataset = writeTinyDataset();
  const config = join(work, 'config.json');
  const dirOf = (name: string) => join(work, name);
  const bench = async (name: string, ...args: string[]) => {
    const out = await runCli(['bench', '--config', config, '--out-dir', dirOf(name), '--quiet', ...args]);
    expect(out.code, out.stderr).toBe(0);
    return join(dirOf(name), 'latest.json');
  };
  let whole: string;
  let shards: string[];
  let merged: string;

  beforeAll(async () => {
    writeFileSync(
      config,
      JSON.stringify({
        dataset,
        cacheDir: join(work, 'cache'),
        embedding: { model: 'local:ppmi-svd', dim: 32 },
        finetune: { 'ft-paraphrase': { data: 'plain', epochs: 40 } },
        retrieval: { chunkSize: 60, chunkOverlap: 10, k: 2 },
      }),
    );
    whole = await bench('whole');
    // Shard 1 streams its records (jsonl), shard 2 is one document: merge reads either.
    shards = [await bench('shard1', '--shard', '1/2', '--layout', 'jsonl'), await bench('shard2', '--shard', '2/2')];
    const out = await runCli(['merge', ...shards, '--out-dir', dirOf('merged'), '--layout', 'jsonl']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^merged 2 shards \(\d+ records\) into /);
    merged = join(dirOf('merged'), 'latest.json');
  }, 240_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(dataset, { recursive: true, force: true });
  });

  it('each shard holds its share of the questions for every pipeline', async () => {
    const [one, two] = await Promise.all(shards.map(readResultFile));
    expect(one!.run.shard).toMatchObject({ index: 1, count: 2 });
    expect(new Set(one!.records.map((r) => r.questionId))).toEqual(new Set(['q1', 'q3', 'q5']));
    expect(new Set(two!.records.map((r) => r.questionId))).toEqual(new Set(['q2', 'q4']));
  });

  it('the merged result equals the unsharded run record for record, and in its figures', async () => {
    const [a, b] = await Promise.all([readResultFile(whole), readResultFile(merged)]);
    expect(b.records.map(outcome)).toEqual(a.records.map(outcome));
    expect(figures(b)).toEqual(figures(a));
    expect(b.run.shard).toBeNull();
    expect(b.run.mergedFrom).toHaveLength(2);
  });

  it('compare, gate and report read the streaming layout', async () => {
    const cmp = await runCli(['compare', whole, merged, '--format', 'json']);
    expect(cmp.code, cmp.stderr).toBe(0);
    const comparison = JSON.parse(cmp.stdout) as { questions: { common: number }; flips: unknown[] };
    expect(comparison.questions.common).toBe(5);
    expect(comparison.flips).toEqual([]);
    const gate = await runCli(['gate', '--baseline', whole, '--current', merged, '--config', config]);
    expect(gate.code, gate.stdout + gate.stderr).toBe(0);
    const report = await runCli(['report', merged]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/^run \S+: dataset tiny, 5 questions/);
  });

  it('a resume finishes a shard as that shard: --shard is kept by the journal, another one refused', async () => {
    const one = await readResultFile(shards[0]!);
    const other = await runCli(['bench', '--config', config, '--out-dir', dirOf('resumed'), '--quiet', '--resume', one.run.id, '--shard', '2/2']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/cannot resume run \S+ as shard 2\/2: it is shard 1\/2; drop --shard/);
    const again = await readResultFile(await bench('resumed', '--resume', one.run.id));
    expect(again.run.shard).toEqual(one.run.shard);
    expect(again.records.map(outcome)).toEqual(one.records.map(outcome));
  });

  it('refuses a missing or a repeated shard, in one line, exit 2, writing nothing', async () => {
    for (const args of [[shards[0]!], [shards[0]!, shards[0]!, shards[1]!]]) {
      const out = await runCli(['merge', ...args, '--out-dir', dirOf('refused')]);
      expect(out.code).toBe(2);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
      expect(out.stderr).toMatch(/shard 2\/2 missing|shard 1\/2 is given twice/);
    }
    expect(() => readdirSync(dirOf('refused'))).toThrow();
  });
});
