import { defineConfig } from 'ragvft';

/**
 * An OpenAI fine-tune (trained on fixtures/aurelia/finetune.paraphrase.jsonl) against its base
 * model, with and without retrieval. Replace the ft: id with yours; set trainingTokens from your
 * fine-tuning job ("trained_tokens" / epochs) so the training cost is exact.
 */
export default defineConfig({
  name: 'aurelia-openai-ft',
  dataset: '../fixtures/aurelia',
  models: {
    base: 'openai:gpt-4o-mini-2024-07-18',
    fineTuned: 'openai:ft:gpt-4o-mini-2024-07-18:my-org:aurelia:AbC123',
  },
  finetune: {
    aurelia: {
      data: 'paraphrase',
      epochs: 3,
      model: 'openai:ft:gpt-4o-mini-2024-07-18:my-org:aurelia:AbC123',
      trainedFrom: 'openai:gpt-4o-mini-2024-07-18',
    },
  },
  pipelines: [
    { name: 'closed-book', model: 'base', retrieval: false },
    { name: 'rag', model: 'base', retrieval: true },
    { name: 'fine-tuned', model: 'fineTuned', retrieval: false },
    { name: 'hybrid', model: 'fineTuned', retrieval: true },
  ],
});
