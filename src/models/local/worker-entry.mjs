// Entry of a local-model worker thread (pool.ts). Plain JavaScript, so a worker starts the same
// way whether the parent runs under tsx (`npm run bench`), vitest or anything else: it loads the
// TypeScript worker through tsx's own API instead of relying on inherited loader flags.
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker.ts', import.meta.url);
