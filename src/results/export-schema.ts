// Writes the JSON Schemas next to this file: `npm run schema`. A test keeps them in sync.
import { writeFileSync } from 'node:fs';
import { JSON_SCHEMAS } from './json-schema.js';

for (const [name, schema] of Object.entries(JSON_SCHEMAS)) {
  const path = new URL(`./${name}`, import.meta.url);
  writeFileSync(path, `${JSON.stringify(schema(), null, 2)}\n`);
  process.stdout.write(`wrote ${path.pathname}\n`);
}
