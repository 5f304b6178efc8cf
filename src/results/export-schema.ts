// Writes the result JSON Schema next to this file: `npm run schema`. A test keeps it in sync.
import { writeFileSync } from 'node:fs';
import { resultJsonSchema } from './json-schema.js';

const path = new URL('./result.schema.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(resultJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${path.pathname}\n`);
