/**
 * Text from outside (answers, server error messages, file contents) can carry terminal escape
 * sequences that move the cursor, rewrite earlier lines, set the window title or hide text. The
 * CLI passes everything it prints through `guardOutput`: secrets are redacted, and escape
 * sequences and control characters are removed — except the erase-line sequence the progress
 * line itself uses (`\r` + ESC[K), which can do no more than clear the current line.
 */
import { redactSecrets } from './redact.js';

// CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \), other two-byte ESC sequences, and C0/C1
// controls other than tab, newline and carriage return.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]/g;
const ERASE_LINE = '\x1b[K';

/** Removes escape sequences and control characters, keeping `\n`, `\t`, `\r` and ESC[K. */
export function plainText(text: string): string {
  return text.replace(ESCAPES, (m) => (m === ERASE_LINE ? m : '')).replace(/\x1b(?!\[K)/g, '');
}

/** What the CLI writes to a terminal or log: redacted and free of foreign escape sequences. */
export function guardOutput(text: string): string {
  return plainText(redactSecrets(text));
}

/** Routes every write to stdout and stderr through `guardOutput` (called once by the CLI entry). */
export function installOutputGuard(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      write(typeof chunk === 'string' ? guardOutput(chunk) : Buffer.isBuffer(chunk) ? guardOutput(chunk.toString('utf8')) : chunk, ...rest)) as typeof stream.write;
  }
}
