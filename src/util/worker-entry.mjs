// Entry of every ragvft worker thread (worker-pool.ts). Plain JavaScript, so a worker starts the
// same way whether the parent runs under tsx (`npm run bench`), vitest or compiled JavaScript: it
// loads its module (`workerData.module`, a file URL) directly when that file exists, else through
// tsx's own API (a `.js` URL then resolves to the `.ts` source) instead of relying on inherited
// loader flags.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';

const url = workerData.module;
if (existsSync(fileURLToPath(url))) await import(url);
else await (await import('tsx/esm/api')).tsImport(url, import.meta.url);
