/**
 * Where the local models compute: a small pool of worker threads (default), or inline on the
 * calling thread (`size` 0). The computation is synchronous and CPU-bound (tokenizing, reading
 * passages, scoring the memory), so on the main thread it would stall every other call in flight,
 * the timers of their deadlines and their abort signals. In workers the main event loop stays
 * free: a call's `AbortSignal` (deadline or Ctrl-C) rejects it at once, whether it is still queued
 * (it is dropped) or already computing (its result is discarded when it arrives).
 *
 * At most `depth` (2) tasks are posted to a worker at a time, so it has its next task at hand;
 * the rest wait in a FIFO queue here, so an aborted task there never reaches a worker. Workers start lazily (up to `size`), are unref'd while idle (an idle pool never
 * keeps the process alive, so a forgotten close() cannot hang it) and ref'd while computing (a
 * pending call keeps the process alive until it settles). close() terminates them and rejects
 * anything pending; the pool can be used again afterwards (workers restart on demand).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { computeAnswer, cpuClock, MemoryStore, type LocalOutput, type LocalTask } from './compute.js';
import type { LocalFinetuneWeights } from './memory.js';

export type WorkerRequest =
  | { id: number; kind: 'answer'; task: LocalTask }
  /** A fine-tune's weights, sent once per worker before its first task that needs them (no reply). */
  | { kind: 'weights'; key: string; weights: LocalFinetuneWeights }
  | { id: number; kind: 'hold'; gate: SharedArrayBuffer };
export type WorkerReply = { id: number; ok: true; out: LocalOutput | null } | { id: number; ok: false; error: { name: string; message: string } };

/** Runs local tasks: a worker pool or inline. */
export interface LocalBackend {
  /** Worker threads at most (0: inline on the calling thread). */
  readonly size: number;
  /** `weights`: of the task's fine-tune (`task.memory`), loaded by the caller. */
  run(task: LocalTask, signal?: AbortSignal, weights?: LocalFinetuneWeights): Promise<LocalOutput>;
  /** Terminates the workers and rejects pending tasks. Idempotent; the backend stays usable. */
  close(): Promise<void>;
}

/** Default pool size: RAGVFT_LOCAL_WORKERS if set (0 = inline), else min(2, cores). */
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

export function createLocalBackend(size = defaultPoolSize()): LocalBackend {
  return size === 0 ? new InlineBackend() : new LocalWorkerPool(size);
}

/** The computation on the calling thread, as before workers: blocks its event loop while it runs. */
class InlineBackend implements LocalBackend {
  readonly size = 0;
  private memories = new MemoryStore();
  private readonly clock = cpuClock(false);

  async run(task: LocalTask, signal?: AbortSignal, weights?: LocalFinetuneWeights): Promise<LocalOutput> {
    signal?.throwIfAborted();
    if (task.memory !== null && weights) this.memories.put(task.memory, weights);
    return computeAnswer(task, this.memories.answerer(task.memory), this.clock);
  }

  async close(): Promise<void> {
    this.memories = new MemoryStore(); // drop loaded memories
  }
}

interface Job {
  id: number;
  msg: Extract<WorkerRequest, { id: number }>;
  /** Weights of the task's fine-tune, sent to the worker first if it has not had them. */
  weights?: { key: string; weights: LocalFinetuneWeights };
  resolve: (out: LocalOutput | null) => void;
  reject: (err: unknown) => void;
  /** Settled (answered, failed or aborted): a late reply is dropped. */
  settled: boolean;
  /** Runs on a worker with nothing else posted to it (hold). */
  exclusive: boolean;
  cleanup: () => void;
}

interface Slot {
  worker: Worker;
  /** Posted to the worker, oldest (computing) first. */
  jobs: Job[];
  /** Fine-tunes whose weights this worker has been sent. */
  sent: Set<string>;
  /** Replied at least once: a worker that dies before that failed to start. */
  started: boolean;
}

export class LocalWorkerPool implements LocalBackend {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;

  /**
   * @param depth tasks posted to a worker at once. Above 1, the next task is already waiting in
   *   the worker when it finishes one (no idle round trip through a busy main thread), at the cost
   *   that a task aborted after being posted is still computed (its result dropped).
   */
  constructor(
    readonly size: number,
    readonly depth = 2,
  ) {
    if (!(Number.isInteger(size) && size >= 1)) throw new Error(`worker pool size must be a whole number >= 1, got ${size}`);
  }

  run(task: LocalTask, signal?: AbortSignal, weights?: LocalFinetuneWeights): Promise<LocalOutput> {
    const w = task.memory !== null && weights ? { key: task.memory, weights } : undefined;
    return this.submit((id) => ({ id, kind: 'answer', task }), signal, false, w) as Promise<LocalOutput>;
  }

  /**
   * Test hook: occupies one worker thread until the returned function is called (the thread
   * blocks in Atomics.wait, like a long computation), so tests can queue work behind it.
   */
  hold(): { release: () => void; done: Promise<unknown> } {
    const gate = new SharedArrayBuffer(4);
    const done = this.submit((id) => ({ id, kind: 'hold', gate }), undefined, true);
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
    const closed = new Error('the local model worker pool was closed');
    for (const job of this.queue.splice(0)) this.settle(job, closed);
    const slots = this.slots.splice(0);
    for (const s of slots) for (const job of s.jobs.splice(0)) this.settle(job, closed);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private submit(make: (id: number) => Job['msg'], signal?: AbortSignal, exclusive = false, weights?: Job['weights']): Promise<LocalOutput | null> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const job: Job = { id, msg: make(id), resolve, reject, weights, settled: false, exclusive, cleanup: () => {} };
      if (signal) {
        const onAbort = () => {
          // Queued: it never reaches a worker. Computing: the worker finishes, the reply is dropped.
          const i = this.queue.indexOf(job);
          if (i !== -1) this.queue.splice(i, 1);
          this.settle(job, signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        job.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.pump();
    });
  }

  private settle(job: Job, err: unknown, out?: LocalOutput | null): void {
    if (job.settled) return;
    job.settled = true;
    job.cleanup();
    if (err !== undefined) job.reject(err);
    else job.resolve(out ?? null);
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
      slot.jobs.push(job);
      slot.worker.ref();
      if (job.weights && !slot.sent.has(job.weights.key)) {
        slot.sent.add(job.weights.key);
        slot.worker.postMessage({ kind: 'weights', ...job.weights } satisfies WorkerRequest);
      }
      slot.worker.postMessage(job.msg);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { name: `ragvft-local-${this.slots.length}` });
    const slot: Slot = { worker, jobs: [], sent: new Set(), started: false };
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
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
      const i = this.slots.indexOf(slot);
      if (i === -1) return; // closed, or already handled
      this.slots.splice(i, 1);
      for (const job of slot.jobs.splice(0)) this.settle(job, err);
      // No worker could start (bad install): every waiting task would meet the same fate.
      if (!slot.started && !this.slots.some((s) => s.started)) for (const job of this.queue.splice(0)) this.settle(job, err);
      void worker.terminate();
      this.pump();
    };
    worker.on('error', (err) => fail(new Error(`local model worker failed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => fail(new Error(`local model worker exited (code ${code})`)));
    this.slots.push(slot);
    return slot;
  }
}

let shared: LocalBackend | null = null;

/** The process-wide backend the `local` provider uses by default (created on first use). */
export function sharedLocalBackend(): LocalBackend {
  return (shared ??= createLocalBackend());
}

/** Terminates the shared local-model workers (bench calls this when a run ends). Idempotent. */
export async function closeLocalWorkers(): Promise<void> {
  const b = shared;
  shared = null;
  await b?.close();
}
