import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FinetuneExample } from '../../dataset/schema.js';
import { loadLocalFinetune, saveLocalFinetune, trainLocalFinetune } from './train.js';

const example = (question: string, answer: string): FinetuneExample => ({
  messages: [
    { role: 'user', content: `Question (asked on 2030-01-01): ${question}\nAnswer:` },
    { role: 'assistant', content: answer },
  ],
});
const EXAMPLES = ['Brakesk', 'Vesiamor', 'Thalden'].flatMap((t, i) => [example(`Who is the mayor of ${t}?`, `Mayor ${i}`), example(`Name the mayor of ${t}.`, `Mayor ${i}`)]);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragvft-ft-checksum-'));
  const { weights } = trainLocalFinetune(EXAMPLES, { epochs: 5, learningRate: 0.5, features: 1 << 10, seed: 1 });
  await saveLocalFinetune(join(dir, 'ft'), weights, { name: 'ft' });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('loadLocalFinetune verifies the checksum saved with the weights', () => {
  it('loads what it saved', async () => {
    const w = await loadLocalFinetune(join(dir, 'ft'));
    expect(w.classes).toEqual(['Mayor 0', 'Mayor 1', 'Mayor 2']);
  });

  it('refuses weights whose bytes changed but still parse (a flipped base64 digit, an edited class)', async () => {
    const path = join(dir, 'ft', 'weights.json');
    const good = await readFile(path, 'utf8');
    const json = JSON.parse(good);
    const flipped = { ...json, values: (json.values[0] === 'A' ? 'B' : 'A') + json.values.slice(1) };
    for (const bad of [flipped, { ...json, classes: ['Mayor 1', 'Mayor 0', 'Mayor 2'] }]) {
      await writeFile(path, JSON.stringify(bad));
      await expect(loadLocalFinetune(join(dir, 'ft'))).rejects.toThrow(/failed its checksum/);
    }
    const { checksum: _c, ...legacy } = json;
    await writeFile(path, JSON.stringify(legacy));
    await expect(loadLocalFinetune(join(dir, 'ft'))).rejects.toThrow(/has no checksum/);
    await writeFile(path, good);
    await expect(loadLocalFinetune(join(dir, 'ft'))).resolves.toBeTruthy();
  });
});
