/**
 * The worker-thread half of worker-pool.ts: answers the pool's tasks with `run` (sync or async),
 * hands preludes to `prelude`, and serves the pool's `hold` test hook.
 */
import { parentPort } from 'node:worker_threads';
import type { PoolReply, PoolRequest } from './worker-pool.js';

export interface TaskHandlers<T, O, P> {
  /** Keeps per-worker state for the tasks that follow (no reply: a failure is theirs to report). */
  prelude?(key: string, payload: P): void;
  run(task: T): O | Promise<O>;
}

export function serveTasks<T, O, P = never>(handlers: TaskHandlers<T, O, P>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks runs in a worker thread (see worker-pool.ts)');
  port.on('message', async (msg: PoolRequest<T, P>) => {
    if (msg.kind === 'prelude') return handlers.prelude?.(msg.key, msg.payload);
    let reply: PoolReply<O | null>;
    try {
      if (msg.kind === 'hold') {
        // Test hook: block this thread until the gate is opened (see WorkerPool.hold).
        Atomics.wait(new Int32Array(msg.gate), 0, 0);
        reply = { id: msg.id, ok: true, out: null };
      } else {
        reply = { id: msg.id, ok: true, out: await handlers.run(msg.task) };
      }
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { id: msg.id, ok: false, error: { name: e.name, message: e.message } };
    }
    port.postMessage(reply);
  });
}
