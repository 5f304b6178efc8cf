/**
 * The records file of the streaming layout (`<name>.records.jsonl`, one record per line): read as
 * an async iterator, each line validated on its own, so a reader never holds more than one record
 * it did not ask to keep; written line by line, each record validated and redacted.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { once } from 'node:events';
import { InputError } from '../util/errors.js';
import { describeZodError } from '../util/input.js';
import { redactDeep } from '../util/redact.js';
import { type RecordsFile, RecordSchema, type ResultRecord } from './schema.js';

/**
 * Yields the validated records of `path`; once the last is read, checks the line count and sha256
 * against `expect` (the summary's `recordsFile`): a summary and records file not written together
 * are bad input, never silently mixed. `validate: false` parses only, for a second pass over a
 * file already validated (zod is most of a pass's time): the sha256 still proves the same bytes.
 */
export async function* readRecordsFile(path: string, expect: Pick<RecordsFile, 'count' | 'sha256'>, opts: { validate?: boolean } = {}): AsyncGenerator<ResultRecord> {
  const hash = createHash('sha256');
  const stream = createReadStream(path);
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  }).catch((e: NodeJS.ErrnoException) => {
    throw new InputError(e.code === 'ENOENT' ? 'records file not found (it belongs beside its summary .json)' : `cannot read records file (${e.code})`, { file: path });
  });
  await opened;
  stream.on('data', (chunk) => hash.update(chunk as Buffer));
  let line = 0;
  try {
    for await (const text of lines(stream)) {
      line++;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new InputError(`malformed JSON (${(e as Error).message})`, { file: path, line });
      }
      if (opts.validate === false) {
        yield json as ResultRecord;
        continue;
      }
      const parsed = RecordSchema.safeParse(json);
      if (!parsed.success) {
        const { field, message } = describeZodError(parsed.error);
        throw new InputError(message, { file: path, line, field });
      }
      yield parsed.data;
    }
  } finally {
    stream.destroy();
  }
  const sha256 = hash.digest('hex');
  if (line !== expect.count || sha256 !== expect.sha256) {
    const what = line !== expect.count ? `holds ${line} records, its summary says ${expect.count}` : 'does not match the sha256 its summary records';
    throw new InputError(`${what}: the summary and records file were not written together; use the pair one run wrote`, { file: path });
  }
}

/**
 * The lines of a stream, split as its chunks arrive: each line is used before the next chunk is
 * read, so lines die young (readline's iterator queues them across ticks, and queued lines that
 * survive to the old generation made a large read's heap grow with the file).
 */
async function* lines(stream: ReadStream): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of stream) {
    const text = rest + decoder.write(chunk as Buffer);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      yield text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl);
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.end();
  if (rest !== '') yield rest;
}

/**
 * Writes `records` to `path` (via a temp file renamed at the end, so a failed or refused write
 * leaves nothing), each validated and redacted like a single-file result. Returns count and sha256.
 */
export async function writeRecordsFile(path: string, records: AsyncIterable<ResultRecord> | Iterable<ResultRecord>): Promise<Pick<RecordsFile, 'count' | 'sha256'>> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(tmp);
  const hash = createHash('sha256');
  let count = 0;
  try {
    for await (const r of records) {
      const line = `${JSON.stringify(RecordSchema.parse(redactDeep(r)))}\n`;
      hash.update(line);
      count++;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    await rename(tmp, path);
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  return { count, sha256: hash.digest('hex') };
}
