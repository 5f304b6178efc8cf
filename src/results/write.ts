import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import { redactDeep } from '../util/redact.js';
import { writeRecordsFile } from './records-file.js';
import { type ResultRecord, ResultSchema, ResultSummarySchema, type RunResult } from './schema.js';

/**
 * `single`: one JSON document holding its records (easy to read and commit as a baseline);
 * `jsonl`: `<id>.json` summary beside `<id>.records.jsonl`, which readers stream; `auto`: jsonl
 * above STREAM_ABOVE records, where one document gets too big to parse in one piece.
 */
export const RESULT_LAYOUTS = ['auto', 'single', 'jsonl'] as const;
export type ResultLayout = (typeof RESULT_LAYOUTS)[number];

/** About 10 MB of pretty JSON: loads in well under a second, still fine to commit or diff. */
export const STREAM_ABOVE = 10_000;

export function resolveLayout(layout: ResultLayout | undefined, records: number): 'single' | 'jsonl' {
  if (layout === 'single' || layout === 'jsonl') return layout;
  return records > STREAM_ABOVE ? 'jsonl' : 'single';
}

type Head = Omit<RunResult, 'records'>;

/**
 * Validates and writes `<outDir>/<run id>.json` and `<outDir>/latest.json`, each atomically (in
 * the jsonl layout, with the records file beside them). An invalid result is a harness bug: it
 * throws before anything is written. Every string is redacted first: answers and server messages
 * are untrusted text.
 */
export async function writeResult(result: RunResult, outDir: string, opts: { layout?: ResultLayout } = {}): Promise<string> {
  if (resolveLayout(opts.layout, result.records.length) === 'jsonl') {
    const { records, ...head } = result;
    ResultSchema.omit({ records: true }).parse(redactDeep(head));
    return writeStreamingResult(head.run.id, records, () => head, outDir);
  }
  const valid = ResultSchema.parse(redactDeep(result));
  return writeSummary(`${JSON.stringify(valid, null, 2)}\n`, valid.run.id, outDir);
}

/**
 * The jsonl layout from records streamed through (never all in memory); `head` is asked for once
 * they are written, so it may summarize them. A head that fails validation removes the records.
 */
export async function writeStreamingResult(runId: string, records: AsyncIterable<ResultRecord> | Iterable<ResultRecord>, head: () => Head, outDir: string): Promise<string> {
  const recordsName = `${runId}.records.jsonl`;
  const written = await writeRecordsFile(join(outDir, recordsName), records);
  try {
    const valid = ResultSummarySchema.parse(redactDeep({ ...head(), recordsFile: { path: recordsName, ...written } }));
    return await writeSummary(`${JSON.stringify(valid, null, 2)}\n`, runId, outDir);
  } catch (err) {
    await rm(join(outDir, recordsName), { force: true });
    throw err;
  }
}

async function writeSummary(json: string, id: string, outDir: string): Promise<string> {
  const path = join(outDir, `${id}.json`);
  await writeFileAtomic(path, json);
  await writeFileAtomic(join(outDir, 'latest.json'), json);
  return path;
}
