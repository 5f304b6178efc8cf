/**
 * A small pool of worker threads for CPU-bound work that would stall the main event loop (local
 * models, local embeddings, local training): on the main thread it would hold up every other call
 * in flight, the timers of their deadlines and their abort signals. With the work in workers the
 * main event loop stays free: a task's `AbortSignal` (deadline or Ctrl-C) rejects it at once,
 * whether it is still queued (it is dropped) or already computing (its result is discarded when
 * it arrives, or its worker is terminated: `terminateOnAbort`).
 *
 * At most `depth` (2) tasks are posted to a worker at a time, so it has its next task at hand;
 * the rest wait in a FIFO queue here, so an aborted task there never reaches a worker. Workers
 * start lazily (up to `size`), are unref'd while idle (an idle pool never keeps the process
 * alive, so a forgotten close() cannot hang it) and ref'd while computing (a pending task keeps
 * the process alive until it settles). close() terminates them and rejects anything pending; the
 * pool can be used again afterwards (workers restart on demand).
 *
 * A worker runs `module` (a file URL; see worker-entry.mjs and worker-serve.ts, its other half).
 * State a task needs on its worker (a fine-tune's weights, an embedding model to load) travels
 * as a `prelude`: sent once per worker, before the first task that names it.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Worker threads per pool (local models, local embeddings): RAGVFT_LOCAL_WORKERS if set (0 =
 * inline on the calling thread), else min(2, cores - 1), at least 1.
 */
export function defaultPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RAGVFT_LOCAL_WORKERS;
  if (raw !== undefined && raw.trim() !== '') {
    const n = Number(raw);
    if (Number.isInteger(n) && n >= 0) return n;
    throw new Error(`RAGVFT_LOCAL_WORKERS must be a whole number >= 0, got "${raw}"`);
  }
  // Leave a core for the main thread (streaming, scoring, the journal): with every core busy in a
  // worker, replies wait and p95 latency doubled on 2 cores.
  return Math.max(1, Math.min(2, availableParallelism() - 1));
}

/** What the pool posts to a worker. */
export type PoolRequest<T, P> =
  | { kind: 'task'; id: number; task: T }
  /** Sent once per worker before its first task that needs it (no reply). */
  | { kind: 'prelude'; key: string; payload: P }
  | { kind: 'hold'; id: number; gate: SharedArrayBuffer };
export type PoolReply<O> = { id: number; ok: true; out: O } | { id: number; ok: false; error: { name: string; message: string } };

export interface WorkerPoolOptions {
  /** File URL of the worker's module (it calls serveTasks, worker-serve.ts). */
  module: URL;
  /** Worker threads at most (>= 1). */
  size: number;
  /**
   * Tasks posted to a worker at once. Above 1, the next task is already waiting in the worker
   * when it finishes one (no idle round trip through a busy main thread), at the cost that a task
   * aborted after being posted is still computed (its result dropped).
   */
  depth?: number;
  /** Names the threads and the errors, e.g. "local model". */
  label: string;
}

export interface TaskOptions<P> {
  signal?: AbortSignal;
  /** State the task needs on its worker, sent first to a worker that has not had `key`. */
  prelude?: { key: string; payload: P };
  /**
   * A long task (training): it runs on a worker of its own, which is terminated as soon as the
   * signal aborts, so it stops computing at once instead of finishing for nothing.
   */
  terminateOnAbort?: boolean;
}

interface Job<T, O, P> {
  id: number;
  msg: Extract<PoolRequest<T, P>, { id: number }>;
  prelude?: { key: string; payload: P };
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
  /** Settled (answered, failed or aborted): a late reply is dropped. */
  settled: boolean;
  /** Runs on a worker with nothing else posted to it (hold, terminateOnAbort). */
  exclusive: boolean;
  /** The worker it was posted to, once posted. */
  slot?: Slot<T, O, P>;
  cleanup: () => void;
}

interface Slot<T, O, P> {
  worker: Worker;
  /** Posted to the worker, oldest (computing) first. */
  jobs: Job<T, O, P>[];
  /** Prelude keys this worker has been sent. */
  sent: Set<string>;
  /** Replied at least once: a worker that dies before that failed to start. */
  started: boolean;
}

export class WorkerPool<T, O, P = never> {
  readonly size: number;
  readonly depth: number;
  private readonly slots: Slot<T, O, P>[] = [];
  private readonly queue: Job<T, O, P>[] = [];
  private nextId = 0;
  private spawned = 0;

  constructor(private readonly opts: WorkerPoolOptions) {
    this.size = opts.size;
    this.depth = opts.depth ?? 2;
    if (!(Number.isInteger(this.size) && this.size >= 1)) throw new Error(`${opts.label} worker pool size must be a whole number >= 1, got ${this.size}`);
  }

  run(task: T, o: TaskOptions<P> = {}): Promise<O> {
    const exclusive = o.terminateOnAbort === true;
    return this.submit((id) => ({ kind: 'task', id, task }), o.signal, exclusive, o.prelude);
  }

  /**
   * Test hook: occupies one worker thread until the returned function is called (the thread
   * blocks in Atomics.wait, like a long computation), so tests can queue work behind it.
   */
  hold(): { release: () => void; done: Promise<unknown> } {
    const gate = new SharedArrayBuffer(4);
    const done = this.submit((id) => ({ kind: 'hold', id, gate }), undefined, true);
    done.catch(() => {});
    return {
      release: () => {
        const g = new Int32Array(gate);
        Atomics.store(g, 0, 1);
        Atomics.notify(g, 0);
      },
      done,
    };
  }

  /** For tests and perf: workers started, tasks computing, tasks waiting. */
  stats(): { workers: number; running: number; queued: number } {
    return { workers: this.slots.length, running: this.slots.reduce((n, s) => n + s.jobs.length, 0), queued: this.queue.length };
  }

  async close(): Promise<void> {
    const closed = new Error(`the ${this.opts.label} worker pool was closed`);
    for (const job of this.queue.splice(0)) this.settle(job, closed);
    const slots = this.slots.splice(0);
    for (const s of slots) for (const job of s.jobs.splice(0)) this.settle(job, closed);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private submit(make: (id: number) => Job<T, O, P>['msg'], signal: AbortSignal | undefined, exclusive: boolean, prelude?: Job<T, O, P>['prelude']): Promise<O> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<O>((resolve, reject) => {
      const id = this.nextId++;
      const job: Job<T, O, P> = { id, msg: make(id), resolve, reject, prelude, settled: false, exclusive, cleanup: () => {} };
      if (signal) {
        const onAbort = () => {
          // Queued: it never reaches a worker. Computing: the worker finishes and the reply is
          // dropped, or (exclusive) the worker is terminated.
          const i = this.queue.indexOf(job);
          if (i !== -1) this.queue.splice(i, 1);
          this.settle(job, signal.reason);
          if (job.slot && job.exclusive) this.retire(job.slot);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        job.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.pump();
    });
  }

  private settle(job: Job<T, O, P>, err: unknown, out?: O): void {
    if (job.settled) return;
    job.settled = true;
    job.cleanup();
    if (err !== undefined) job.reject(err);
    else job.resolve(out as O);
  }

  private pump(): void {
    while (this.queue.length > 0) {
      // An idle worker, else a new one, else the least loaded with room (depth).
      let slot = this.slots.find((s) => s.jobs.length === 0);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!this.queue[0]!.exclusive) {
        slot ??= this.slots.filter((s) => s.jobs.length < this.depth && !s.jobs.some((j) => j.exclusive)).sort((a, b) => a.jobs.length - b.jobs.length)[0];
      }
      if (!slot) return;
      const job = this.queue.shift()!;
      job.slot = slot;
      slot.jobs.push(job);
      slot.worker.ref();
      if (job.prelude && !slot.sent.has(job.prelude.key)) {
        slot.sent.add(job.prelude.key);
        slot.worker.postMessage({ kind: 'prelude', ...job.prelude } satisfies PoolRequest<T, P>);
      }
      slot.worker.postMessage(job.msg);
    }
  }

  /** Terminates a worker (its other jobs, if any, fail) and lets the queue move on without it. */
  private retire(slot: Slot<T, O, P>, err = new Error(`${this.opts.label} worker terminated`)): void {
    const i = this.slots.indexOf(slot);
    if (i === -1) return; // closed, or already handled
    this.slots.splice(i, 1);
    for (const job of slot.jobs.splice(0)) this.settle(job, err);
    void slot.worker.terminate();
    this.pump();
  }

  private spawn(): Slot<T, O, P> {
    const { label, module } = this.opts;
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      name: `ragvft-${label.replace(/\W+/g, '-')}-${this.spawned++}`,
      workerData: { module: module.href },
    });
    const slot: Slot<T, O, P> = { worker, jobs: [], sent: new Set(), started: false };
    worker.unref();
    worker.on('message', (reply: PoolReply<O>) => {
      slot.started = true;
      const i = slot.jobs.findIndex((j) => j.id === reply.id);
      const job = i === -1 ? undefined : slot.jobs.splice(i, 1)[0];
      if (job) {
        if (reply.ok) this.settle(job, undefined, reply.out);
        else this.settle(job, Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      }
      this.pump();
      if (slot.jobs.length === 0) worker.unref();
    });
    const fail = (err: Error) => {
      if (!this.slots.includes(slot)) return; // closed, retired, or already handled
      // No worker could start (bad install): every waiting task would meet the same fate.
      if (!slot.started && !this.slots.some((s) => s !== slot && s.started)) for (const job of this.queue.splice(0)) this.settle(job, err);
      this.retire(slot, err);
    };
    worker.on('error', (err) => fail(new Error(`${label} worker failed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => fail(new Error(`${label} worker exited (code ${code})`)));
    this.slots.push(slot);
    return slot;
  }
}

/** Something a process shares and ends once (a pool, or its inline stand-in). */
export interface Closeable {
  close(): Promise<void>;
}

const shared = new Map<string, Closeable>();

/** The process-wide instance named `name`, created on first use (and again after closing). */
export function sharedInstance<C extends Closeable>(name: string, create: () => C): C {
  let c = shared.get(name) as C | undefined;
  if (!c) shared.set(name, (c = create()));
  return c;
}

/** Closes the shared instance `name`, or every one without a name. Idempotent. */
export async function closeShared(name?: string): Promise<void> {
  const names = name === undefined ? [...shared.keys()] : [name];
  const closing = names.flatMap((n) => {
    const c = shared.get(n);
    shared.delete(n);
    return c ? [c.close()] : [];
  });
  await Promise.all(closing);
}
