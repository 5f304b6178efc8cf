/**
 * Per-run journal, for checkpoint and resume.
 *
 *   <dir>/meta.json      what the run is (id, config and dataset hashes, pipelines), written once
 *   <dir>/records.jsonl  one finished ResultRecord per line, appended as each completes
 *   <dir>/lock           pid of the process appending, so two resumes cannot interleave
 *
 * Each record is written with a single synchronous write() of the whole line before append()
 * returns, so a crash or `kill -9` leaves every earlier line intact and at most the last line
 * torn. Opening the journal drops (and cuts off) that torn last line; damage anywhere else is not
 * something a crash produces, so it is reported instead of being silently skipped.
 *
 * Retries without rewriting. A resume may run a pair again whose record failed (a server outage):
 * its new record is appended like any other, and on read a later line for a (pipeline, question)
 * supersedes the earlier one (last wins). A crash mid-resume therefore leaves either the old
 * line alone (the pair is retried by the next resume) or the old and the new (the new one counts):
 * never a lost or a doubled record, and the file is never rewritten in place.
 *
 * Durability. write() puts the line in the OS page cache: from then on it survives the death of
 * this process (crash, kill -9, OOM kill), since the kernel writes it out regardless. Only a
 * power loss or kernel crash can lose what is in the page cache and not yet on disk, and fsync
 * bounds that: it is not done per record on the hot path (about 4 ms each, while other calls are
 * in flight) but batched, asynchronously (fs.fsync on the libuv threadpool), at most
 * `fsyncIntervalMs` (100 ms) after the first unsynced record, or at once when `fsyncEvery` (64)
 * records are unsynced, and a final synchronous fsync on close(). So a power loss loses at most
 * the records of the last ~100 ms (or 64 records) plus one fsync's duration; the journal left
 * behind is still a valid prefix of lines, at most the last torn (ext4/xfs order data within a
 * file; a torn or missing tail is what openJournal repairs).
 */
import { appendFileSync, closeSync, existsSync, fsync as fsyncAsync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseJsonl } from '../dataset/jsonl.js';
import { recordKey } from '../pipelines/run.js';
import { RecordSchema, type ResultRecord } from '../results/schema.js';
import { InputError } from '../util/errors.js';
import { describeZodError, parseJsonText } from '../util/input.js';
import { redactDeep, redactSecrets } from '../util/redact.js';

export const JOURNAL_FORMAT = 1;

export const JournalMetaSchema = z.looseObject({
  runId: z.string().min(1),
  startedAt: z.string(),
  configPath: z.string(),
  configHash: z.string(),
  datasetHash: z.string(),
  /** Pipeline names of the run, in report order. */
  pipelines: z.array(z.string()),
  /** `bench --shard i/n`; absent or null: the whole run. */
  shard: z.strictObject({ index: z.number().int().positive(), count: z.number().int().positive() }).nullable().optional(),
});
export type JournalMeta = z.infer<typeof JournalMetaSchema>;

export interface Journal {
  readonly dir: string;
  readonly meta: JournalMeta;
  /** The record of each pair (on open: the last line of each; a retry's record replaces the one it retried). */
  readonly records: ResultRecord[];
  /** `recordKey(questionId, pipeline)` of every pair not to run (again): pass as `done` to runPipelines. */
  readonly done: Set<string>;
  /** Pairs whose recorded record `retry` chose on open, not yet run again. */
  readonly retrying: Set<string>;
  /** Appends one finished record durably. Returns false (and writes nothing) for a pair in `done`. */
  append(record: ResultRecord): boolean;
  /** fsyncs what is written (synchronously), flushes, closes the file and releases the lock. Idempotent. */
  close(): void;
  /** Records written (in the page cache) and records known fsynced to disk. */
  durability(): { written: number; synced: number };
}

export interface JournalOptions {
  /** false: never fsync (tests, throwaway runs). Default true. */
  fsync?: boolean;
  /** Longest wait from the first unsynced record to its fsync. Default 100 ms. */
  fsyncIntervalMs?: number;
  /** fsync at once when this many records are unsynced. Default 64. */
  fsyncEvery?: number;
  /** openJournal: records to run again (their pair is not in `done`; its next record supersedes). Default: none. */
  retry?: (record: ResultRecord) => boolean;
}

const META = 'meta.json';
const RECORDS = 'records.jsonl';
const LOCK = 'lock';

/** Starts the journal of a new run in `dir` (created). Refuses a folder that already holds one. */
export function createJournal(dir: string, meta: JournalMeta, opts: JournalOptions = {}): Journal {
  const parsed = JournalMetaSchema.parse(meta);
  mkdirSync(dir, { recursive: true });
  if (existsSync(join(dir, META)) || existsSync(join(dir, RECORDS))) {
    throw new InputError(`a journal already exists in ${dir}; resume it with --resume ${parsed.runId}`);
  }
  takeLock(dir);
  try {
    writeMetaAtomic(dir, { ...parsed, journalFormat: JOURNAL_FORMAT });
    return openAppender(dir, parsed, [], opts);
  } catch (err) {
    releaseLock(dir);
    throw err;
  }
}

/** Opens the journal of an interrupted run to finish it. */
export function openJournal(dir: string, opts: JournalOptions = {}): Journal {
  const meta = readMeta(dir);
  takeLock(dir);
  try {
    const records = readRecords(join(dir, RECORDS), { repair: true });
    return openAppender(dir, meta, records, opts);
  } catch (err) {
    releaseLock(dir);
    throw err;
  }
}

/** Reads a journal without opening it for writing (no lock, no repair): one record per pair, last line wins. */
export function readJournal(dir: string): { meta: JournalMeta; records: ResultRecord[] } {
  return { meta: readMeta(dir), records: readRecords(join(dir, RECORDS), { repair: false }) };
}

export interface JournalSummary {
  runId: string;
  dir: string;
  startedAt: string;
  records: number;
}

/** Journals under `root` (one folder per run), newest first: for "unknown run id" messages. */
export function listJournals(root: string): JournalSummary[] {
  if (!existsSync(root)) return [];
  const out: JournalSummary[] = [];
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    try {
      const meta = readMeta(dir);
      // Pairs, not lines: a retried pair has several lines.
      const records = readRecords(join(dir, RECORDS), { repair: false }).length;
      out.push({ runId: meta.runId, dir, startedAt: meta.startedAt, records });
    } catch {
      // Not a journal folder, or a damaged one (resuming it names the damage): ignored.
    }
  }
  return out.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
}

/** "unknown run id" with the runs that do exist, for the CLI. */
export function unknownRunError(runId: string, root: string): InputError {
  const known = listJournals(root).slice(0, 10);
  const list = known.length ? `; resumable runs: ${known.map((j) => `${j.runId} (${j.records} records, started ${j.startedAt})`).join(', ')}` : `; no journals under ${root}`;
  return new InputError(`no run "${runId}" to resume${list}`);
}

function openAppender(dir: string, meta: JournalMeta, existing: ResultRecord[], opts: JournalOptions): Journal {
  const fsync = opts.fsync ?? true;
  const intervalMs = opts.fsyncIntervalMs ?? 100;
  const every = opts.fsyncEvery ?? 64;
  // Keyed by pair, in the order pairs were first recorded: a retry's record takes the old one's place.
  const byPair = new Map(existing.map((r) => [recordKey(r.questionId, r.pipeline), r]));
  const retrying = new Set([...byPair].filter(([, r]) => opts.retry?.(r)).map(([key]) => key));
  const done = new Set([...byPair.keys()].filter((key) => !retrying.has(key)));
  let fd: number | null = openSync(join(dir, RECORDS), 'a');
  let closed = false;
  let written = 0;
  let synced = 0;
  let timer: NodeJS.Timeout | null = null;
  /** An async fsync is running: another waits for it, and close() leaves the fd to its callback. */
  let inFlight = false;

  const flushLater = () => {
    if (!fsync || closed || written === synced) return;
    if (written - synced >= every) return syncNow();
    // unref: a pending fsync never keeps the process alive (the page cache has the lines anyway).
    timer ??= setTimeout(syncNow, intervalMs).unref();
  };
  function syncNow() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (inFlight || closed || fd === null) return;
    inFlight = true;
    const upTo = written;
    fsyncAsync(fd, (err) => {
      inFlight = false;
      if (!err) synced = Math.max(synced, upTo);
      // close() ran meanwhile: it fsynced synchronously and left the fd for us to close.
      if (closed) return closeFd();
      flushLater();
    });
  }
  const closeFd = () => {
    if (fd !== null) closeSync(fd);
    fd = null;
  };

  return {
    dir,
    meta,
    get records() {
      return [...byPair.values()];
    },
    done,
    retrying,
    append(record) {
      if (closed || fd === null) throw new Error(`journal ${dir} is closed`);
      const key = recordKey(record.questionId, record.pipeline);
      if (done.has(key)) return false;
      // Redacted before it is written or kept: the in-memory records become the result file, and
      // a server may echo a key or header into an answer.
      const { safe, line } = redactRecord(record);
      // The one synchronous write(): in the page cache (kill -9 safe) before append returns.
      writeFully(fd, Buffer.from(`${line}\n`));
      written++;
      done.add(key);
      retrying.delete(key);
      byPair.set(key, safe);
      flushLater();
      return true;
    },
    close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (fd !== null && fsync && written > synced) {
        fsyncSync(fd);
        synced = written;
      }
      // With an async fsync still running, its callback closes the fd (closing it now could let
      // the number be reused by another file before that fsync starts).
      if (!inFlight) closeFd();
      releaseLock(dir);
    },
    durability: () => ({ written, synced }),
  };
}

/**
 * The record as it may be stored, and its JSON line. Fast path (one serialization, one scan of
 * the line, no copy): a line without any backslash has every string of the record verbatim in
 * it (nothing needed escaping), so if redacting the line changes nothing, redacting each string
 * would change nothing either, and the record is stored as is. Anything else (escapes, or a hit)
 * takes the exact path: redactDeep, then serialize.
 */
function redactRecord(record: ResultRecord): { safe: ResultRecord; line: string } {
  const line = JSON.stringify(record);
  if (!line.includes('\\') && redactSecrets(line) === line) return { safe: record, line };
  const safe = redactDeep(record);
  return { safe, line: JSON.stringify(safe) };
}

/** One write() for the whole line; a regular file takes it in one go, but never assume so. */
function writeFully(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function readMeta(dir: string): JournalMeta {
  const file = join(dir, META);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`no journal in ${dir} (missing ${META})`);
  }
  const meta = JournalMetaSchema.safeParse(parseJsonText(raw, file));
  if (!meta.success) {
    const { field, message } = describeZodError(meta.error);
    throw new InputError(`not a journal meta file: ${message}`, { file, field });
  }
  return meta.data;
}

/**
 * Parses records.jsonl (with the shared JSONL reader). A bad LAST line is what a crash mid-write
 * leaves: it is dropped, and with `repair` cut off the file so the next append starts on a clean
 * line. A bad line before the last is an InputError naming file and line. Several lines for a
 * (pipeline, question) are a retried pair: the last one wins, in the place of the first.
 */
function readRecords(file: string, opts: { repair: boolean }): ResultRecord[] {
  if (!existsSync(file)) return [];
  const buf = readFileSync(file);
  // Byte offset of the last line holding anything but whitespace: the only one a crash can tear.
  let lastStart = -1;
  for (let start = 0; start < buf.length; ) {
    const nl = buf.indexOf(0x0a, start);
    const end = nl === -1 ? buf.length : nl;
    if (buf.subarray(start, end).toString('utf8').trim()) lastStart = start;
    start = end + 1;
  }
  if (lastStart === -1) return [];
  // Lines before the last must be whole records: parseJsonl throws naming file and line.
  const rows = parseJsonl(buf.subarray(0, lastStart).toString('utf8'), RecordSchema, file);
  let cut = false;
  try {
    rows.push(...parseJsonl(buf.subarray(lastStart).toString('utf8'), RecordSchema, file));
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    if (opts.repair) truncateTo(file, lastStart);
    cut = true;
  }
  const byPair = new Map<string, ResultRecord>();
  for (const { value: record } of rows) byPair.set(recordKey(record.questionId, record.pipeline), record);
  // A whole record whose newline did not make it: end the line, or the next append would join it.
  if (opts.repair && !cut && buf.length > 0 && buf[buf.length - 1] !== 0x0a) appendFileSync(file, '\n');
  return [...byPair.values()];
}

function truncateTo(file: string, length: number): void {
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, length);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeMetaAtomic(dir: string, meta: object): void {
  const tmp = join(dir, `${META}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(meta, null, 2)}\n`);
  renameSync(tmp, join(dir, META));
}

/**
 * Exclusive lock by pid. A lock left by a dead process (kill -9) is taken over; one held by a live
 * process is refused, so two resumes of the same run cannot both append the same pairs.
 */
function takeLock(dir: string): void {
  const file = join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSafe(file));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new InputError(`run in ${dir} is being written by process ${pid}; wait for it or stop it first`);
      }
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new InputError(`could not lock journal ${dir}`);
}

function releaseLock(dir: string): void {
  const file = join(dir, LOCK);
  if (readFileSafe(file) === String(process.pid)) rmSync(file, { force: true });
}

function readFileSafe(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
