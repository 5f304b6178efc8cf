/**
 * An embedding worker thread (backend.ts): embeds batches with the models the pool opened on it.
 * A model's spec arrives once per worker (a prelude); the model loads on its first batch.
 */
import { serveTasks } from '../../util/worker-serve.js';
import { type EmbedOutput, type EmbedTask, ExtractorStore, type ExtractorSpec } from './extract.js';

const store = new ExtractorStore();

serveTasks<EmbedTask, EmbedOutput, ExtractorSpec>({
  prelude: (key, spec) => store.put(key, spec),
  run: (task) => store.run(task),
});
