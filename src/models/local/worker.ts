/**
 * A local-model worker thread: answers LocalTasks (compute.ts) in the order the pool posts them.
 * A fine-tune's weights arrive once per worker (a `weights` message) before its first task.
 */
import { parentPort } from 'node:worker_threads';
import { computeAnswer, cpuClock, MemoryStore } from './compute.js';
import type { WorkerReply, WorkerRequest } from './pool.js';

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread (see pool.ts)');
const memories = new MemoryStore();
const clock = cpuClock(true);

port.on('message', (msg: WorkerRequest) => {
  // No reply: the tasks that need these weights follow (a failure to build them is theirs).
  if (msg.kind === 'weights') return memories.put(msg.key, msg.weights);
  let reply: WorkerReply;
  try {
    if (msg.kind === 'hold') {
      // Test hook: block this thread until the gate is opened (see LocalWorkerPool.hold).
      Atomics.wait(new Int32Array(msg.gate), 0, 0);
      reply = { id: msg.id, ok: true, out: null };
    } else {
      reply = { id: msg.id, ok: true, out: computeAnswer(msg.task, memories.answerer(msg.task.memory), clock) };
    }
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply = { id: msg.id, ok: false, error: { name: e.name, message: e.message } };
  }
  port.postMessage(reply);
});
