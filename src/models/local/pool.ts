/**
 * Where the local models compute and train: a small pool of worker threads (default; the generic
 * mechanism is util/worker-pool.ts), or inline on the calling thread (`size` 0). Answering and
 * training are synchronous and CPU-bound (tokenizing, reading passages, scoring the memory, SGD),
 * so on the main thread they would stall every other call in flight, the timers of their
 * deadlines and their abort signals (Ctrl-C). Training in a worker is stopped on abort by
 * terminating that worker; inline, it trains in slices and checks the signal between them.
 */
import type { FinetuneExample } from '../../dataset/schema.js';
import { closeShared, defaultPoolSize, sharedInstance, WorkerPool } from '../../util/worker-pool.js';
import { computeAnswer, cpuClock, MemoryStore, type LocalOutput, type LocalTask } from './compute.js';
import type { LocalFinetuneWeights } from './memory.js';
import { trainInSlices, type TrainOptions, type TrainResult } from './train.js';

export { defaultPoolSize };

/** A task of a local-model worker (worker.ts). */
export type LocalJob = { kind: 'answer'; task: LocalTask } | { kind: 'train'; examples: FinetuneExample[]; opts: TrainOptions };

/** Runs local tasks: a worker pool or inline. */
export interface LocalBackend {
  /** Worker threads at most (0: inline on the calling thread). */
  readonly size: number;
  /** `weights`: of the task's fine-tune (`task.memory`), loaded by the caller. */
  run(task: LocalTask, signal?: AbortSignal, weights?: LocalFinetuneWeights): Promise<LocalOutput>;
  /** Trains a local fine-tune; an abort of `signal` stops it promptly (rejects with its reason). */
  train(examples: FinetuneExample[], opts: TrainOptions, signal?: AbortSignal): Promise<TrainResult>;
  /** Terminates the workers and rejects pending tasks. Idempotent; the backend stays usable. */
  close(): Promise<void>;
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

  train(examples: FinetuneExample[], opts: TrainOptions, signal?: AbortSignal): Promise<TrainResult> {
    return trainInSlices(examples, opts, signal);
  }

  async close(): Promise<void> {
    this.memories = new MemoryStore(); // drop loaded memories
  }
}

/** Local models in worker threads (worker.ts); a fine-tune's weights travel as a prelude. */
export class LocalWorkerPool implements LocalBackend {
  private readonly pool: WorkerPool<LocalJob, LocalOutput | TrainResult, LocalFinetuneWeights>;

  /** @param depth tasks posted to a worker at once (see WorkerPoolOptions.depth). */
  constructor(
    readonly size: number,
    depth = 2,
  ) {
    this.pool = new WorkerPool({ module: new URL('./worker.js', import.meta.url), size, depth, label: 'local model' });
  }

  run(task: LocalTask, signal?: AbortSignal, weights?: LocalFinetuneWeights): Promise<LocalOutput> {
    const prelude = task.memory !== null && weights ? { key: task.memory, payload: weights } : undefined;
    return this.pool.run({ kind: 'answer', task }, { signal, prelude }) as Promise<LocalOutput>;
  }

  train(examples: FinetuneExample[], opts: TrainOptions, signal?: AbortSignal): Promise<TrainResult> {
    return this.pool.run({ kind: 'train', examples, opts }, { signal, terminateOnAbort: true }) as Promise<TrainResult>;
  }

  /** Test hook: see WorkerPool.hold. */
  hold() {
    return this.pool.hold();
  }

  /** For tests and perf: workers started, tasks computing, tasks waiting. */
  stats() {
    return this.pool.stats();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

const SHARED = 'local models';

/** The process-wide backend the `local` provider and local training use by default (created on first use). */
export function sharedLocalBackend(): LocalBackend {
  return sharedInstance(SHARED, () => createLocalBackend());
}

/** Terminates the shared local-model workers only (a provider's close()). Idempotent. */
export const closeLocalModelWorkers = () => closeShared(SHARED);

/**
 * Terminates every shared worker pool of the process: local models and training, and local
 * embeddings (bench calls this when a run ends). Idempotent; pools restart on demand.
 */
export const closeLocalWorkers = () => closeShared();
