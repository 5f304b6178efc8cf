import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLAIMS } from '../src/claims/registry.js';
import { ResultSchema, type RunResult } from '../src/results/schema.js';
import { runCli } from './helpers/cli.js';
import { writeTinyDataset } from './helpers/tiny-dataset.js';

const width = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

describe('ragvft report on a tiny bench run', () => {
  const work = mkdtempSync(join(tmpdir(), 'ragvft-report-'));
  const config = join(work, 'config.json');
  const latest = (dir: string) => ResultSchema.parse(JSON.parse(readFileSync(join(work, dir, 'latest.json'), 'utf8')));
  let bench: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    writeFileSync(
      config,
      JSON.stringify({
        dataset: writeTinyDataset(),
        outDir: join(work, 'results'),
        cacheDir: join(work, 'cache'),
        embedding: { model: 'local:ppmi-svd', dim: 32 },
        finetune: { 'ft-paraphrase': { data: 'plain', epochs: 40 } },
        retrieval: { chunkSize: 60, chunkOverlap: 10, k: 2 },
      }),
    );
    bench = await runCli(['bench', '--config', config]);
  });

  it('bench ends with one line per claim, within 100 columns', () => {
    expect(bench.code, bench.stderr).toBe(0);
    const summary = bench.stdout.slice(bench.stdout.indexOf('claims (evidence: ragvft report'));
    for (const c of CLAIMS) expect(summary).toMatch(new RegExp(`\\n {2}(supported|contradicted|inconclusive|not measured)\\*? +${c.id} `));
    expect(width(bench.stdout)).toBeLessThanOrEqual(100);
  });

  it('records what freshness over time and keep-fresh costs need: asOf, corpus timeline, fine-tune bill', () => {
    const r: RunResult = latest('results');
    expect(new Set(r.records.map((x) => x.asOf))).toEqual(new Set(['2031-06-01']));
    expect(r.run.corpusTimeline!.changes.map((c) => c.date)).toEqual(['2030-09-01', '2031-03-03']);
    expect(r.run.finetunes['local:ft-paraphrase']).toMatchObject({ epochs: 40 });
    expect(r.run.indexAsOf).toBeNull();
  });

  it('prints the claims, the evidence, freshness over time and keep-fresh costs in 100 columns', async () => {
    const out = await runCli(['report', join(work, 'results', 'latest.json')]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^run \S+: dataset tiny, 5 questions, training cutoff 2030-06-30/);
    expect(out.stdout).toMatch(/\nClaims\n {2}\S/);
    expect(out.stdout).toMatch(/\nEvidence\n/);
    expect(out.stdout).toMatch(/Freshness over time: months from the training cutoff \(2030-06-30\)[\s\S]*6-12 mo/);
    expect(out.stdout).toMatch(/Keeping fresh 2030-06-30 → 2031-06-01/);
    expect(width(out.stdout)).toBeLessThanOrEqual(100);
    const json = await runCli(['report', join(work, 'results', 'latest.json'), '--format', 'json']);
    expect(JSON.parse(json.stdout).claims.map((c: { id: string }) => c.id)).toEqual(CLAIMS.map((c) => c.id));
    const md = await runCli(['report', join(work, 'results', 'latest.json'), '--format', 'md']);
    expect(md.stdout).toMatch(/\| claim \| verdict \| evidence \|/);
  });

  it('--index-as-of builds a stale index of its own: RAG answers what was true then', async () => {
    const run = await runCli(['bench', '--config', config, '--index-as-of', '2030-06-30', '--out-dir', join(work, 'stale')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/built BM25 index as of 2030-06-30/);
    const r = latest('stale');
    expect(r.run.indexAsOf).toBe('2030-06-30');
    expect(r.pipelines.find((p) => p.name === 'rag')!.indexAsOf).toBe('2030-06-30');
    const rag = r.records.find((x) => x.pipeline === 'rag' && x.questionId === 'q2')!;
    expect(rag.answer).toBe('Mira Tull');
    expect(rag.freshness).toBe('stale');
    // The fresh index stays cached beside the snapshot.
    expect(readdirSync(join(work, 'cache', 'bm25')).sort()).toEqual(['tiny', 'tiny@2030-06-30']);
    const report = await runCli(['report', join(work, 'stale', 'latest.json')]);
    expect(report.stdout.replace(/\s+/g, ' ')).toMatch(/RAG retrieved from an index as of 2030-06-30 \(a stale index\)/);
  });

  it('exits 2 on an index date before every document, and on a missing result file', async () => {
    const early = await runCli(['bench', '--config', config, '--index-as-of', '2010-01-01', '--out-dir', join(work, 'early')]);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/field "retrieval\.indexAsOf": no document version of the corpus is valid on 2010-01-01/);
    expect(existsSync(join(work, 'early'))).toBe(false);
    const bad = await runCli(['bench', '--config', config, '--index-as-of', 'June', '--out-dir', join(work, 'early')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--index-as-of must be a date YYYY-MM-DD \(got "June"\)/);
    const missing = await runCli(['report', join(work, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: file not found/);
  });
});
