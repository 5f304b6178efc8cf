import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // End-to-end tests spawn the CLI and build small models; the machines are shared and slow.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Native hnswlib and onnxruntime behave best in forked processes.
    pool: 'forks',
  },
});
