// Entry of a local-model worker thread (pool.ts). Plain JavaScript, so a worker starts the same way
// from the compiled CLI (dist/, where worker.js sits beside this file: no tsx at run time) and from
// the TypeScript sources under vitest or tsx (only worker.ts here: it is loaded through tsx's own
// API instead of relying on inherited loader flags).
import { existsSync } from 'node:fs';

const compiled = new URL('./worker.js', import.meta.url);
if (existsSync(compiled)) await import(compiled.href);
else await (await import('tsx/esm/api')).tsImport('./worker.ts', import.meta.url);
