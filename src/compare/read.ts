/**
 * Reading result files written by earlier runs (possibly by other harness versions), in either
 * layout: one JSON document holding its records, or a summary document whose `recordsFile`
 * points at a JSONL file of records beside it (the streaming layout, read record by record).
 */
import { dirname, resolve } from 'node:path';
import { describeZodError, readJsonFile } from '../util/input.js';
import { readRecordsFile } from '../results/records-file.js';
import { RESULT_SCHEMA_VERSION, type ResultRecord, ResultSchema, ResultSummarySchema, type RunResult } from '../results/schema.js';
import { leanMaker, type ResultView } from '../results/view.js';
import { InputError } from '../util/errors.js';

/** Major part of a "major.minor" schema version, or null when it does not look like one. */
export function schemaMajor(version: unknown): number | null {
  if (typeof version !== 'string') return null;
  const m = /^(\d+)\.\d+$/.exec(version);
  return m ? Number(m[1]) : null;
}

export const SUPPORTED_SCHEMA_MAJOR = schemaMajor(RESULT_SCHEMA_VERSION)!;

export interface ResultSource {
  file: string;
  layout: 'single' | 'jsonl';
  /** The document without its records. */
  head: Omit<RunResult, 'records'>;
  /** How many records it holds. */
  count: number;
  /**
   * Every record, validated, in file order (each call reads them afresh). Records of a pipeline
   * not listed, or a second record for a pair, are InputErrors naming the file and line.
   * `again`: a later pass over records already read once, parsed without validating them anew.
   */
  records(opts?: { again?: boolean }): AsyncGenerator<ResultRecord>;
}

/**
 * Opens a result file of either layout: the document is validated now, the records of the
 * streaming layout as they are read. Throws InputError naming the file (and field) when it is
 * missing, not JSON, of an incompatible schema major version or invalid.
 */
export async function openResult(path: string): Promise<ResultSource> {
  const json = await readJsonFile(path);
  if (json && typeof json === 'object' && 'recordsFile' in json) return openSummary(json, path);
  const { records, ...head } = parseResult(json, path);
  return {
    file: path,
    layout: 'single',
    head,
    count: records.length,
    async *records() {
      yield* records;
    },
  };
}

function openSummary(json: object, file: string): ResultSource {
  checkVersion(json, file);
  const parsed = ResultSummarySchema.safeParse(json);
  if (!parsed.success) {
    const { field, message } = describeZodError(parsed.error);
    throw new InputError(message, { file, field });
  }
  const { recordsFile, ...head } = parsed.data;
  const recordsPath = resolve(dirname(file), recordsFile.path);
  return {
    file,
    layout: 'jsonl',
    head,
    count: recordsFile.count,
    async *records(opts = {}) {
      if (opts.again) return yield* readRecordsFile(recordsPath, recordsFile, { validate: false });
      const check = consistencyChecker(head, recordsPath);
      let line = 0;
      for await (const r of readRecordsFile(recordsPath, recordsFile)) {
        check(r, ++line);
        yield r;
      }
    },
  };
}

/**
 * What compare, gate and report read: the document with lean records (no answer text, no
 * retrieved ids), collected from the stream, so a large streaming-layout result is never held
 * whole. A single-file result is in memory anyway and keeps its full records.
 */
export async function loadResultView(path: string): Promise<{ view: ResultView; source: ResultSource }> {
  const source = await openResult(path);
  const records = [];
  const lean = leanMaker(source.count);
  for await (const r of source.records()) records.push(source.layout === 'single' ? r : lean(r));
  return { view: { ...source.head, records }, source };
}

/** Reads a whole result, records and all (the HTML report shows every answer). */
export async function readResultFile(path: string): Promise<RunResult> {
  const source = await openResult(path);
  const records = [];
  for await (const r of source.records()) records.push(r);
  return { ...source.head, records };
}

/**
 * Validation of a single-file result already in memory. Throws InputError naming the file (and
 * field) when it is of an incompatible schema major version, invalid, or internally inconsistent.
 */
export function parseResult(json: unknown, file: string): RunResult {
  checkVersion(json, file);
  const parsed = ResultSchema.safeParse(json);
  if (!parsed.success) {
    const { field, message } = describeZodError(parsed.error);
    throw new InputError(message, { file, field });
  }
  checkConsistency(parsed.data, file);
  return parsed.data;
}

function checkVersion(json: unknown, file: string): void {
  // Check the version first: a file of another major version fails for that reason, clearly,
  // rather than on whichever field happened to change.
  const version = json && typeof json === 'object' ? (json as Record<string, unknown>).schemaVersion : undefined;
  const major = schemaMajor(version);
  if (version === undefined) throw new InputError('is missing; is this a ragvft result file?', { file, field: 'schemaVersion' });
  if (major === null) throw new InputError(`must look like "1.0" (got ${JSON.stringify(version)})`, { file, field: 'schemaVersion' });
  if (major === 1 && SUPPORTED_SCHEMA_MAJOR === 2) {
    throw new InputError(
      `result schema ${String(version)} was written before ragvft 2.0 changed how answers are scored (lenient and judge scorers, freshness labels on correctness, answerable accuracy as the headline), so its figures cannot be compared with ${RESULT_SCHEMA_VERSION} results; rerun the benchmark with this ragvft to get a comparable baseline`,
      { file, field: 'schemaVersion' },
    );
  }
  if (major !== SUPPORTED_SCHEMA_MAJOR) {
    throw new InputError(
      `result schema version ${String(version)} is incompatible with this ragvft (reads ${SUPPORTED_SCHEMA_MAJOR}.x); rerun the benchmark or use a matching ragvft version`,
      { file, field: 'schemaVersion' },
    );
  }
}

/** Cross-field checks the schema cannot express: every record belongs to a listed pipeline, once per question. */
function checkConsistency(result: RunResult, file: string): void {
  const pipelines = new Set<string>();
  result.pipelines.forEach((p, i) => {
    if (pipelines.has(p.name)) throw new InputError(`duplicate pipeline "${p.name}"`, { file, field: `pipelines.${i}.name` });
    pipelines.add(p.name);
  });
  const check = consistencyChecker(result, file);
  result.records.forEach((r, i) => check(r, null, i));
}

/** Checks records one at a time: a listed pipeline, one record per (pipeline, question). */
function consistencyChecker(head: Pick<RunResult, 'pipelines'>, file: string) {
  const pipelines = new Set(head.pipelines.map((p) => p.name));
  const seen = new Set<string>();
  return (r: Pick<ResultRecord, 'pipeline' | 'questionId'>, line: number | null, i = 0) => {
    const where = (field: string) => (line === null ? { file, field: `records.${i}${field}` } : { file, line, ...(field ? { field: field.slice(1) } : {}) });
    if (!pipelines.has(r.pipeline)) throw new InputError(`pipeline "${r.pipeline}" is not listed in "pipelines"`, where('.pipeline'));
    const key = `${r.pipeline}\u0000${r.questionId}`;
    if (seen.has(key)) throw new InputError(`duplicate record for question "${r.questionId}" in pipeline "${r.pipeline}"`, where(''));
    seen.add(key);
  };
}
