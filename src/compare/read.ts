/** Reading result JSON written by earlier runs (possibly by other harness versions). */
import { describeZodError, readJsonFile } from '../util/input.js';
import { RESULT_SCHEMA_VERSION, ResultSchema, type RunResult } from '../results/schema.js';
import { InputError } from '../util/errors.js';

/** Major part of a "major.minor" schema version, or null when it does not look like one. */
export function schemaMajor(version: unknown): number | null {
  if (typeof version !== 'string') return null;
  const m = /^(\d+)\.\d+$/.exec(version);
  return m ? Number(m[1]) : null;
}

export const SUPPORTED_SCHEMA_MAJOR = schemaMajor(RESULT_SCHEMA_VERSION)!;

/**
 * Reads and validates a result file. Throws InputError naming the file (and field) when it is
 * missing, not JSON, of an incompatible schema major version, invalid, or internally inconsistent.
 */
export async function readResultFile(path: string): Promise<RunResult> {
  return parseResult(await readJsonFile(path), path);
}

/** Validation behind readResultFile, for JSON already in memory. */
export function parseResult(json: unknown, file: string): RunResult {
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
  const parsed = ResultSchema.safeParse(json);
  if (!parsed.success) {
    const { field, message } = describeZodError(parsed.error);
    throw new InputError(message, { file, field });
  }
  checkConsistency(parsed.data, file);
  return parsed.data;
}

/** Cross-field checks the schema cannot express: every record belongs to a listed pipeline, once per question. */
function checkConsistency(result: RunResult, file: string): void {
  const pipelines = new Set<string>();
  result.pipelines.forEach((p, i) => {
    if (pipelines.has(p.name)) throw new InputError(`duplicate pipeline "${p.name}"`, { file, field: `pipelines.${i}.name` });
    pipelines.add(p.name);
  });
  const seen = new Set<string>();
  result.records.forEach((r, i) => {
    if (!pipelines.has(r.pipeline)) throw new InputError(`pipeline "${r.pipeline}" is not listed in "pipelines"`, { file, field: `records.${i}.pipeline` });
    const key = `${r.pipeline}\u0000${r.questionId}`;
    if (seen.has(key)) throw new InputError(`duplicate record for question "${r.questionId}" in pipeline "${r.pipeline}"`, { file, field: `records.${i}` });
    seen.add(key);
  });
}
