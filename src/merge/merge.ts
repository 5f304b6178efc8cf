/**
 * `ragvft merge <shard results…>`: the results of `bench --shard i/n` for i = 1..n as one run.
 * Shards must come from one config, dataset and ragvft version and cover every (pipeline,
 * question) pair exactly once; records are streamed through in the unsharded order (position j
 * of each pipeline from shard j mod n) and the summaries and statistics are computed over all of
 * them by the bench's own code, never averaged over shards.
 */
import { createHash } from 'node:crypto';
import { type ResultSource, openResult } from '../compare/read.js';
import { summarizeRun } from '../metrics/summarize-run.js';
import { summarizeJudge } from '../run/judge.js';
import { newRunId } from '../run/run-id.js';
import { type Shard, shardSize } from '../run/shard.js';
import type { ResultRecord, RunResult } from '../results/schema.js';
import { type LeanRecord, leanMaker } from '../results/view.js';
import { type ResultLayout, resolveLayout, writeResult, writeStreamingResult } from '../results/write.js';
import { InputError } from '../util/errors.js';

type Head = Omit<RunResult, 'records'>;
type ShardSource = ResultSource & { shard: Shard };

export interface MergeOptions {
  outDir: string;
  layout?: ResultLayout;
}

export interface Merged {
  path: string;
  runId: string;
  shards: number;
  records: number;
}

export async function mergeShards(files: readonly string[], opts: MergeOptions): Promise<Merged> {
  if (files.length === 0) throw new InputError('merge needs the result files of the shards (bench --shard i/n)');
  const sources = checkShards(await Promise.all(files.map(openResult)));
  const runId = newRunId();
  const lean: LeanRecord[] = [];
  const records = mergedRecords(sources, lean);
  const head = () => mergedHead(sources, lean, runId);
  const total = sources.reduce((n, s) => n + s.count, 0);
  let path: string;
  if (resolveLayout(opts.layout, total) === 'jsonl') path = await writeStreamingResult(runId, records, head, opts.outDir);
  else {
    const all: ResultRecord[] = [];
    for await (const r of records) all.push(r);
    path = await writeResult({ ...head(), records: all }, opts.outDir, { layout: 'single' });
  }
  return { path, runId, shards: sources.length, records: lean.length };
}

/** Refuses shards of different runs, a shard given twice and a missing one; returns them by index. */
function checkShards(sources: ResultSource[]): ShardSource[] {
  for (const s of sources) {
    if (!s.head.run.shard) throw new InputError('is not a shard result (run.shard is null); merge takes the results of bench --shard i/n', { file: s.file });
  }
  const shards: ShardSource[] = sources.map((s) => ({ ...s, shard: s.head.run.shard! }));
  const [first] = shards;
  const same: [string, (h: Head) => unknown][] = [
    ['run.configHash', (h) => h.run.configHash],
    ['run.datasetHash', (h) => h.run.datasetHash],
    ['run.harnessVersion', (h) => h.run.harnessVersion],
    ['run.shard.count', (h) => h.run.shard!.count],
    ['run.shard.pairsHash', (h) => h.run.shard!.pairsHash],
    ['pipelines', (h) => JSON.stringify(h.pipelines.map((p) => [p.name, p.model, p.retrieval, p.indexAsOf]))],
  ];
  for (const s of shards.slice(1)) {
    for (const [field, pick] of same) {
      if (pick(s.head) !== pick(first!.head)) {
        throw new InputError(`differs from ${first!.file}; merge the shards of one run (same config, dataset and ragvft version, same --shard n)`, { file: s.file, field });
      }
    }
  }
  const n = first!.shard.count;
  const byIndex = new Map<number, ShardSource>();
  for (const s of shards) {
    const twin = byIndex.get(s.shard.index);
    if (twin) throw new InputError(`shard ${s.shard.index}/${n} is given twice (${twin.file} and ${s.file}); pass each shard's result once`);
    byIndex.set(s.shard.index, s);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) throw new InputError(`shard ${missing.map((i) => `${i}/${n}`).join(', ')} missing: pass the result of every shard (${n} in all)`);
  return [...byIndex.values()].sort((a, b) => a.shard.index - b.shard.index);
}

/**
 * The shards' records in unsharded order, each pair checked to come exactly once, with the pair
 * fingerprint of the merged records checked against the run's at the end. Keeps lean copies.
 */
async function* mergedRecords(sources: readonly ShardSource[], lean: LeanRecord[]): AsyncGenerator<ResultRecord> {
  const n = sources.length;
  const { head } = sources[0]!;
  const questions = head.run.dataset.questions;
  const its = sources.map((s) => s.records()[Symbol.asyncIterator]());
  const hash = createHash('sha256');
  const toLean = leanMaker(sources.reduce((n, s) => n + s.count, 0));
  for (const p of head.pipelines) {
    const seen = new Set<string>();
    for (let j = 0; j < questions; j++) {
      const s = sources[j % n]!;
      const next = await its[j % n]!.next();
      if (next.done || next.value.pipeline !== p.name) {
        throw new InputError(`shard ${s.shard.index}/${n} lacks records of pipeline "${p.name}" (its share is ${shardSize(questions, s.shard)}), so some pairs are not covered; finish that shard (bench --resume) and merge again`, { file: s.file });
      }
      const r = next.value;
      if (seen.has(r.questionId)) throw new InputError(`pair (${p.name}, ${r.questionId}) is covered twice; merge the results of one sharded run`, { file: s.file });
      seen.add(r.questionId);
      hash.update(`${r.pipeline}\u0000${r.questionId}\n`);
      lean.push(toLean(r));
      yield r;
    }
  }
  for (const [i, it] of its.entries()) {
    if (!(await it.next()).done) throw new InputError(`holds more records than shard ${sources[i]!.shard.index}/${n} of this run (pairs covered twice); merge the results of one sharded run`, { file: sources[i]!.file });
  }
  if (hash.digest('hex') !== head.run.shard!.pairsHash) {
    throw new InputError(`the merged records are not the run's pairs (their fingerprint differs from run.shard.pairsHash): a shard holds questions outside its share`);
  }
}

/**
 * The merged run: figures recomputed over every record; started when the first shard started and
 * finished when the last finished (the wall-clock span, which overlapping shards share); shared
 * work each shard repeated (index embedding) is summed, one-off training is the first shard's.
 */
function mergedHead(sources: readonly ShardSource[], lean: readonly LeanRecord[], runId: string): Head {
  const heads = sources.map((s) => s.head);
  const first = heads[0]!;
  const inputs = first.pipelines.map(({ summary, ...p }) => ({
    ...p,
    k: summary.retrievalK,
    cost: { fineTuningUsd: summary.costUsd.fineTuningUsd, fineTuningSeconds: summary.costUsd.localCpuSeconds.fineTuning, queryVolume: summary.costUsd.queryVolume },
  }));
  const differs = (pick: (h: Head) => unknown) => new Set(heads.map((h) => JSON.stringify(pick(h)))).size > 1;
  const notes = [
    ...(differs((h) => h.run.gitCommit) ? [`shards ran at different git commits (${[...new Set(heads.map((h) => h.run.gitCommit ?? 'unknown'))].join(', ')})`] : []),
    ...(differs((h) => [h.run.node, h.run.platform, h.run.cpu]) ? ['shards ran on different machines or Node versions: node, platform and cpu are those of shard 1, latencies mix machines'] : []),
  ];
  const embedding = heads.map((h) => h.run.embeddingCost);
  const judge = first.run.scoring.judge;
  return {
    ...(first.$schema === undefined ? {} : { $schema: first.$schema }),
    schemaVersion: first.schemaVersion,
    run: {
      ...first.run,
      id: runId,
      startedAt: heads.map((h) => h.run.startedAt).sort()[0]!,
      finishedAt: heads.map((h) => h.run.finishedAt).sort().at(-1)!,
      embeddingCost: embedding.every((e) => e === null)
        ? null
        : { tokens: embedding.reduce((a, e) => a + (e?.tokens ?? 0), 0), usd: embedding.some((e) => e?.usd === null) ? null : embedding.reduce((a, e) => a + (e?.usd ?? 0), 0) },
      scoring: { primary: first.run.scoring.primary, judge: judge ? summarizeJudge(judge.model, lean) : null },
      resumed: heads.some((h) => h.run.resumed),
      // Each shard brought its own copy of the indexes up to date: all of them, in shard order.
      indexes: heads.flatMap((h) => h.run.indexes),
      shard: null,
      mergedFrom: heads.map((h) => h.run.id),
      warnings: [...new Set([...heads.flatMap((h) => h.run.warnings), ...notes])],
    },
    ...summarizeRun(inputs, lean),
  };
}
