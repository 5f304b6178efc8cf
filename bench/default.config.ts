import { defineConfig } from 'ragvft';

/**
 * The default benchmark: the bundled fictional dataset, fully offline. Closed-book base model,
 * RAG, a model fine-tuned on paraphrase-augmented QA pairs, fine-tuned + RAG, and the same
 * fine-tune on one phrasing per fact (to show what paraphrase augmentation buys).
 */
export default defineConfig({
  name: 'aurelia-offline',
  dataset: '../fixtures/aurelia',
  models: {
    base: 'local:reader',
    fineTuned: 'local:ft-paraphrase',
    fineTunedPlain: 'local:ft-plain',
  },
  finetune: {
    'ft-paraphrase': { data: 'paraphrase', epochs: 30 },
    'ft-plain': { data: 'plain', epochs: 30 },
  },
  embedding: { model: 'local:ppmi-svd', dim: 256 },
  retrieval: { chunkSize: 120, chunkOverlap: 20, k: 5, efSearch: 64 },
  pipelines: [
    { name: 'closed-book', model: 'base', retrieval: false },
    { name: 'rag', model: 'base', retrieval: true },
    { name: 'fine-tuned', model: 'fineTuned', retrieval: false },
    { name: 'hybrid', model: 'fineTuned', retrieval: true },
    { name: 'fine-tuned-plain', model: 'fineTunedPlain', retrieval: false },
  ],
  // Offline, accuracy and freshness are deterministic, so the gate holds them tightly; wall-clock
  // latency depends on the machine (CI and laptops differ), so it is not gated here.
  gate: {
    requireSignificance: true,
    thresholds: { default: { maxP95LatencyRatio: null } },
  },
});
