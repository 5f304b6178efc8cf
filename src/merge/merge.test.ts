import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOUR_PIPELINES, makeQuestions, makeRun, simulated } from '../compare/test-fixtures.js';
import { readResultFile } from '../compare/read.js';
import { pairSetHash, runPairs, shardSlice } from '../run/shard.js';
import type { RunResult } from '../results/schema.js';
import { writeResult } from '../results/write.js';
import { mergeShards } from './merge.js';

const questions = makeQuestions(61);
const pipelines = { 'closed-book': simulated(0.1, 1), rag: simulated(0.6, 2, { latencyMs: 30 }), 'fine-tuned': simulated(0.4, 3), hybrid: simulated(0.7, 4) };
const base = { pipelines, models: FOUR_PIPELINES.models, config: FOUR_PIPELINES.config };
const whole = makeRun({ ...base, questions, id: 'whole' });
const pairs = { pairs: 4 * questions.length, pairsHash: pairSetHash(runPairs(Object.keys(pipelines), questions.map((q) => q.id))) };

/** Shard i of n as `bench --shard i/n` would record it (same config, its slice of the questions). */
function shardRun(index: number, count: number, over: Partial<RunResult['run']> = {}): RunResult {
  const run = { shard: { index, count, ...pairs }, ...over };
  return { ...makeRun({ ...base, questions: shardSlice(questions, { index, count }), id: `shard-${index}`, run }), run: { ...whole.run, id: `shard-${index}`, ...run } };
}

async function write(runs: RunResult[], layout: 'single' | 'jsonl'): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ragvft-merge-'));
  const paths = [];
  for (const r of runs) paths.push(await writeResult(r, dir, { layout }));
  return paths;
}

const out = () => mkdtempSync(join(tmpdir(), 'ragvft-merged-'));

describe('merge', () => {
  it.each(['single', 'jsonl'] as const)('shards (%s layout) merged equal the unsharded run: records, summaries, statistics', async (layout) => {
    const files = await write([shardRun(2, 3), shardRun(1, 3), shardRun(3, 3)], layout);
    const merged = await mergeShards(files, { outDir: out(), layout });
    const result = await readResultFile(merged.path);
    expect(result.records).toEqual(whole.records);
    expect(result.pipelines).toEqual(whole.pipelines);
    expect(result.statistics).toEqual(whole.statistics);
    expect(result.run).toMatchObject({ shard: null, mergedFrom: ['shard-1', 'shard-2', 'shard-3'], configHash: whole.run.configHash });
  });

  it('a single shard of a whole run (1/1) merges to itself', async () => {
    const merged = await mergeShards(await write([shardRun(1, 1)], 'jsonl'), { outDir: out() });
    expect((await readResultFile(merged.path)).records).toEqual(whole.records);
  });

  const refusals: [string, () => RunResult[], RegExp][] = [
    ['a missing shard', () => [shardRun(1, 3), shardRun(3, 3)], /shard 2\/3 missing: pass the result of every shard/],
    ['a duplicated shard', () => [shardRun(1, 2), shardRun(2, 2), shardRun(2, 2)], /shard 2\/2 is given twice/],
    ['another config', () => [shardRun(1, 2), shardRun(2, 2, { configHash: 'other' })], /field "run\.configHash": differs from/],
    ['another dataset', () => [shardRun(1, 2), shardRun(2, 2, { datasetHash: 'other' })], /field "run\.datasetHash": differs/],
    ['another harness version', () => [shardRun(1, 2), shardRun(2, 2, { harnessVersion: '9.9.9' })], /field "run\.harnessVersion": differs/],
    ['another shard count', () => [shardRun(1, 2), shardRun(2, 3)], /field "run\.shard\.count": differs/],
    ['a whole run', () => [whole], /is not a shard result/],
    ['a shard lacking a record', () => {
      const s = shardRun(2, 2);
      return [shardRun(1, 2), { ...s, records: s.records.filter((r) => !(r.pipeline === 'rag' && r.questionId === 'q0005')) }];
    }, /shard 2\/2 lacks records of pipeline "rag"/],
    ['a pair covered twice', () => {
      const s = shardRun(2, 2);
      // Shard 2 answers q0000 (shard 1's) instead of q0001.
      return [shardRun(1, 2), { ...s, records: s.records.map((r) => (r.questionId === 'q0001' ? { ...r, questionId: 'q0000' } : r)) }];
    }, /fingerprint differs|covered twice/],
  ];
  it.each(refusals)('refuses %s and writes nothing', async (_what, runs, message) => {
    const dir = out();
    await expect(mergeShards(await write(runs(), 'jsonl'), { outDir: dir })).rejects.toThrow(message);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a records file that does not match its summary', async () => {
    const files = await write([shardRun(1, 2), shardRun(2, 2)], 'jsonl');
    const recs = files[1]!.replace(/\.json$/, '.records.jsonl');
    writeFileSync(recs, readFileSync(recs, 'utf8').split('\n').slice(1).join('\n'));
    await expect(mergeShards(files, { outDir: out() })).rejects.toThrow(/summary and records file were not written together|lacks records/);
  });
});
