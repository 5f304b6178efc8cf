/**
 * Where local (transformers.js) embeddings compute: a pool of worker threads (default; the
 * generic mechanism is util/worker-pool.ts), or inline on the calling thread with
 * RAGVFT_LOCAL_WORKERS=0, like the local models. Tokenizing and running the model are CPU-bound
 * and, on the main thread, would hold up every call in flight, their deadlines and Ctrl-C while a
 * query or an index build is embedded.
 */
import { defaultPoolSize, sharedInstance, WorkerPool } from '../../util/worker-pool.js';
import { type EmbedOutput, type EmbedTask, ExtractorStore, type ExtractorSpec } from './extract.js';

export interface EmbeddingBackend {
  /** Worker threads at most (0: inline). */
  readonly size: number;
  /** Embeds `task.texts` with the model opened under `task.key` (its spec: `spec`). */
  embed(task: EmbedTask, spec: ExtractorSpec): Promise<EmbedOutput>;
  /** Terminates the workers (pending batches are rejected). Idempotent; the backend stays usable. */
  close(): Promise<void>;
}

export function createEmbeddingBackend(size = defaultPoolSize()): EmbeddingBackend {
  return size === 0 ? new InlineEmbeddingBackend() : new EmbeddingWorkerPool(size);
}

/** On the calling thread: blocks its event loop while a batch is tokenized and run. */
class InlineEmbeddingBackend implements EmbeddingBackend {
  readonly size = 0;
  private store = new ExtractorStore();

  embed(task: EmbedTask, spec: ExtractorSpec): Promise<EmbedOutput> {
    this.store.put(task.key, spec);
    return this.store.run(task);
  }

  async close(): Promise<void> {
    this.store = new ExtractorStore(); // drop loaded models
  }
}

let pinned: Promise<unknown> | undefined;

/**
 * Loads transformers.js, and with it the native onnxruntime addon, on this thread once. The addon
 * (onnxruntime-node 1.14) registers itself only on its first load in the process: once every
 * thread that loaded it has exited, a new worker fails with "Module did not self-register". Held
 * by the main thread, it stays registered for every worker the pool restarts.
 */
function pinNativeRuntime(): Promise<unknown> {
  return (pinned ??= import('@xenova/transformers'));
}

export class EmbeddingWorkerPool implements EmbeddingBackend {
  private readonly pool: WorkerPool<EmbedTask, EmbedOutput, ExtractorSpec>;

  constructor(readonly size: number) {
    this.pool = new WorkerPool({ module: new URL('./worker.js', import.meta.url), size, label: 'embedding' });
  }

  async embed(task: EmbedTask, spec: ExtractorSpec): Promise<EmbedOutput> {
    await pinNativeRuntime();
    return this.pool.run(task, { prelude: { key: task.key, payload: spec } });
  }

  /** For tests and perf: workers started, batches computing, batches waiting. */
  stats() {
    return this.pool.stats();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

const SHARED = 'local embeddings';

/** The process-wide backend transformers.js embedders use by default; closeLocalWorkers() ends it. */
export function sharedEmbeddingBackend(): EmbeddingBackend {
  return sharedInstance(SHARED, () => createEmbeddingBackend());
}
