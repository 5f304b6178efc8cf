/**
 * A local-model worker thread (pool.ts): answers LocalTasks (compute.ts) in the order the pool
 * posts them, and trains fine-tunes. A fine-tune's weights arrive once per worker (a prelude)
 * before its first task.
 */
import { serveTasks } from '../../util/worker-serve.js';
import { computeAnswer, cpuClock, MemoryStore, type LocalOutput } from './compute.js';
import type { LocalFinetuneWeights } from './memory.js';
import type { LocalJob } from './pool.js';
import { trainLocalFinetune, type TrainResult } from './train.js';

const memories = new MemoryStore();
const clock = cpuClock(true);

serveTasks<LocalJob, LocalOutput | TrainResult, LocalFinetuneWeights>({
  prelude: (key, weights) => memories.put(key, weights),
  run: (job) => (job.kind === 'answer' ? computeAnswer(job.task, memories.answerer(job.task.memory), clock) : trainLocalFinetune(job.examples, job.opts)),
});
