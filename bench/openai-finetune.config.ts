import { defineConfig } from 'ragvft';

/**
 * An OpenAI fine-tune of gpt-4o-mini on fixtures/aurelia/finetune.paraphrase.jsonl against its
 * base model, with and without retrieval. `ragvft finetune --provider openai --config <this>`
 * runs the job and records it in bench/finetunes.lock.json (commit it); `finetune:aurelia` is
 * then the fine-tuned model, and its training cost comes from the job's billed tokens.
 */
export default defineConfig({
  name: 'aurelia-openai-ft',
  dataset: '../fixtures/aurelia',
  models: {
    base: 'openai:gpt-4o-mini-2024-07-18',
    fineTuned: 'finetune:aurelia',
  },
  finetune: {
    aurelia: {
      data: 'paraphrase',
      provider: 'openai',
      trainedFrom: 'openai:gpt-4o-mini-2024-07-18',
      suffix: 'aurelia',
    },
  },
  pipelines: [
    { name: 'closed-book', model: 'base', retrieval: false },
    { name: 'rag', model: 'base', retrieval: true },
    { name: 'fine-tuned', model: 'fineTuned', retrieval: false },
    { name: 'hybrid', model: 'fineTuned', retrieval: true },
  ],
});
