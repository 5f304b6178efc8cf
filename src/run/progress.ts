/**
 * Progress on stderr, so stdout stays for the tables and JSON.
 *
 * On a terminal, one line redrawn in place (at most 10 times a second): a bar with counts, rate
 * and ETA, within 100 columns (fewer on a narrower terminal, as a wrapped line cannot be redrawn).
 * In CI logs (no TTY, or CI set), sparse plain lines: one when a task starts, one at each 10% step
 * but never within 30 s of the previous line (a line at least every 5 minutes while answers keep
 * coming, so a slow run still shows life), and one when it ends. A run under 30 s thus logs a
 * start and an end line, a long one about a dozen. Notes (failed calls) and logged messages are
 * printed as they come, above the bar.
 */
import { clipLine, WIDTH } from '../report/terminal-table.js';

export interface ProgressTask {
  tick(note?: string): void;
  done(): void;
}

export interface Progress {
  log(msg: string): void;
  start(label: string, total: number): ProgressTask;
}

/** The part of a stream progress uses (process.stderr; a fake one in tests). */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Read for CI: with it set, plain sparse lines even on a TTY. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** A millisecond clock (tests pass a fake one). */
  now?: () => number;
}

/** Where a task stands. */
export interface TaskState {
  label: string;
  done: number;
  total: number;
  elapsedMs: number;
}

/** Redraws of the bar at most this often. */
const REDRAW_MS = 100;
/** Plain lines: never closer than this … */
const PLAIN_MIN_GAP_MS = 30_000;
/** … and without a 10% step, one after this long. */
const PLAIN_HEARTBEAT_MS = 300_000;
const BAR_MAX = 40;
const BAR_MIN = 5;
/** Reserved for the ETA or "in …" at the end, so the bar keeps its width as it shrinks. */
const TAIL = 11;

/** CI=true, CI=1 or any other value but "false" and "0", as CI runners set it. */
export const isCI = (env: NodeJS.ProcessEnv = process.env) => env.CI !== undefined && !['', '0', 'false'].includes(env.CI.toLowerCase());

/** "59s", "3m05s", "1h02m". */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const perSecond = (t: TaskState) => (t.done > 0 && t.elapsedMs > 0 ? (1000 * t.done) / t.elapsedMs : null);

function rate(t: TaskState): string {
  const r = perSecond(t);
  return r === null ? '–/s' : `${r.toFixed(r < 100 ? 1 : 0)}/s`;
}

/** "ETA 59s" while running, "in 1m17s" once done, "ETA –" before the first answer. */
function tail(t: TaskState): string {
  if (t.done >= t.total) return `in ${duration(t.elapsedMs / 1000)}`;
  const r = perSecond(t);
  return r === null ? 'ETA –' : `ETA ${duration((t.total - t.done) / r)}`;
}

const counts = (t: TaskState) => `${String(t.done).padStart(String(t.total).length)}/${t.total}`;

/** The terminal line: `answering  [██████░░░░░░]  412/1800  23.4/s  ETA 59s`, at most `width` columns. */
export function barLine(t: TaskState, width = WIDTH): string {
  const text = `${counts(t)}  ${rate(t).padStart(8)}  ${tail(t)}`;
  const room = width - `${t.label}  []  ${text}`.length - Math.max(0, TAIL - tail(t).length);
  const barWidth = Math.min(BAR_MAX, room);
  if (barWidth < BAR_MIN) return `${t.label}  ${text}`.slice(0, width);
  const filled = Math.floor((barWidth * (t.total ? Math.min(t.done, t.total) / t.total : 1)));
  return `${t.label}  [${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}]  ${text}`;
}

/** A CI log line: `answering 412/1800 (22%)  23.4/s  ETA 59s` (just the count before any answer). */
export function plainLine(t: TaskState): string {
  const pct = t.total ? Math.floor((100 * t.done) / t.total) : 100;
  const head = `${t.label} ${t.done}/${t.total} (${pct}%)`;
  return clipLine(t.done === 0 && t.total > 0 ? head : `${head}  ${rate(t)}  ${tail(t)}`);
}

const CLEAR = '\r\x1b[K';

export function createProgress(stream: ProgressStream = process.stderr, quiet = false, opts: ProgressOptions = {}): Progress {
  const plain = !stream.isTTY || isCI(opts.env);
  const now = opts.now ?? (() => performance.now());
  const width = () => Math.min(WIDTH, stream.columns ? stream.columns - 1 : WIDTH);
  const write = (s: string) => {
    if (!quiet) stream.write(s);
  };
  /** The bar on screen (terminal only): cleared before any other line, then drawn again. */
  let shown: (() => string) | null = null;
  const above = (line: string) => {
    write(`${shown ? CLEAR : ''}${line}\n`);
    if (shown) write(shown());
  };
  return {
    log: (msg) => above(msg),
    start(label, total) {
      const t0 = now();
      let done = 0;
      const state = (): TaskState => ({ label, done, total, elapsedMs: now() - t0 });
      if (plain) {
        let lastAt = now();
        let lastDone = 0;
        let lastStep = 0;
        const print = () => {
          lastAt = now();
          lastDone = done;
          lastStep = total ? Math.floor((10 * done) / total) : 10;
          write(`${plainLine(state())}\n`);
        };
        print();
        return {
          tick(note) {
            done++;
            if (note) write(`${clipLine(`  ${note}`)}\n`);
            const gap = now() - lastAt;
            const step = total ? Math.floor((10 * done) / total) : 10;
            if (done >= total || (gap >= PLAIN_MIN_GAP_MS && (step > lastStep || gap >= PLAIN_HEARTBEAT_MS))) print();
          },
          done() {
            if (done !== lastDone) print();
          },
        };
      }
      let drawnAt = -Infinity;
      const line = () => `${CLEAR}${barLine(state(), width())}`;
      const draw = () => {
        drawnAt = now();
        write(line());
      };
      shown = line;
      draw();
      return {
        tick(note) {
          done++;
          if (note) write(`${CLEAR}${clipLine(`  ${note}`, width())}\n`);
          if (note || done >= total || now() - drawnAt >= REDRAW_MS) draw();
        },
        done() {
          if (shown === line) shown = null;
          write(`${line()}\n`);
        },
      };
    },
  };
}
