import { defineConfig } from '../src/config/schema.js';

/**
 * The default benchmark: the bundled fictional dataset, fully offline. Closed-book base model,
 * RAG, a model fine-tuned on paraphrase-augmented QA pairs, and fine-tuned + RAG.
 */
export default defineConfig({
  name: 'aurelia-offline',
  dataset: '../fixtures/aurelia',
  models: {
    base: 'local:reader',
    fineTuned: 'local:ft-paraphrase',
  },
  finetune: {
    'ft-paraphrase': { data: 'paraphrase', epochs: 30 },
  },
  embedding: { model: 'local:ppmi-svd', dim: 256 },
  retrieval: { chunkSize: 120, chunkOverlap: 20, k: 5, efSearch: 64 },
  pipelines: [
    { name: 'closed-book', model: 'base', retrieval: false },
    { name: 'rag', model: 'base', retrieval: true },
    { name: 'fine-tuned', model: 'fineTuned', retrieval: false },
    { name: 'hybrid', model: 'fineTuned', retrieval: true },
  ],
});
