import { defineConfig } from 'ragvft';

/** OpenAI base model, closed-book vs RAG. Needs OPENAI_API_KEY. */
export default defineConfig({
  name: 'aurelia-openai',
  dataset: '../fixtures/aurelia',
  providers: { openai: { type: 'openai', apiKeyEnv: 'OPENAI_API_KEY' } },
  models: { base: 'openai:gpt-4o-mini' },
  pipelines: [
    { name: 'closed-book', model: 'base', retrieval: false },
    { name: 'rag', model: 'base', retrieval: true },
  ],
  concurrency: 4,
  timeoutMs: 30_000,
});
