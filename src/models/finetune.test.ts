import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FinetuneSchema } from '../config/schema.js';
import { loadDataset } from '../dataset/load.js';
import type { Dataset } from '../dataset/schema.js';
import { ensureLocalFinetune } from './finetune.js';
import { createLocalBackend, type LocalBackend, LocalWorkerPool } from './local/pool.js';

let cacheDir: string;
let dataset: Dataset;
const config = () => ({ cacheDir, finetune: { ft: FinetuneSchema.parse({ data: 'plain', epochs: 2, features: 1 << 10 }) } });

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'ragvft-finetune-'));
  dataset = await loadDataset('fixtures/aurelia');
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

describe('ensureLocalFinetune', () => {
  it('trains once, then reuses the stored fine-tune', async () => {
    const first = await ensureLocalFinetune('ft', config(), dataset);
    expect(first.trained).toBe(true);
    const again = await ensureLocalFinetune('ft', config(), dataset);
    expect(again).toEqual({ ...first, trained: false });
  });

  // Regression: a corrupt manifest.json / weights.json was JSON.parse'd and trusted (or crashed the run).
  it.each([
    ['torn manifest.json', 'manifest.json', (_: string) => '{"name": "ft", "dataP'],
    ['manifest.json of the wrong shape', 'manifest.json', (s: string) => JSON.stringify({ ...JSON.parse(s), epochs: 'two' })],
    ['manifest.json without params', 'manifest.json', (s: string) => JSON.stringify({ ...JSON.parse(s), params: undefined })],
    ['manifest.json that is not an object', 'manifest.json', (_: string) => 'null'],
    ['torn weights.json', 'weights.json', (s: string) => s.slice(0, 100)],
    ['weights.json of the wrong shape', 'weights.json', (s: string) => JSON.stringify({ ...JSON.parse(s), classes: 3 })],
  ])('retrains over a %s instead of crashing or trusting it', async (_label, file, corrupt) => {
    const { dir } = await ensureLocalFinetune('ft', config(), dataset);
    const path = join(dir, file);
    const good = await readFile(path, 'utf8');
    await writeFile(path, corrupt(good));
    const logs: string[] = [];
    const rebuilt = await ensureLocalFinetune('ft', config(), dataset, { log: (m) => logs.push(m) });
    expect(rebuilt.trained).toBe(true);
    expect(rebuilt.dir).toBe(dir);
    expect(logs[0]).toMatch(/^retraining local:ft: stored fine-tune in .* is unusable/);
    expect(await readFile(path, 'utf8')).toBe(file === 'manifest.json' ? good.replace(/"seconds": [\d.e-]+/, `"seconds": ${rebuilt.manifest.seconds}`) : good);
    expect((await ensureLocalFinetune('ft', config(), dataset)).trained).toBe(false);
  });
});

describe('ensureLocalFinetune: an abort (Ctrl-C) stops training before it completes', () => {
  // Hundreds of epochs: many seconds of training if the abort were ignored.
  const long = () => ({ cacheDir, finetune: { slow: FinetuneSchema.parse({ data: 'plain', epochs: 400, features: 1 << 12 }) } });
  const savedWeights = async () => {
    const dirs = existsSync(join(cacheDir, 'finetunes')) ? await readdir(join(cacheDir, 'finetunes')) : [];
    return dirs.filter((d) => d.startsWith('slow-') && existsSync(join(cacheDir, 'finetunes', d, 'weights.json')));
  };

  /** Aborts from a timer set once training has started: it can fire only while the event loop is free. */
  async function abortDuringTraining(backend: LocalBackend) {
    const ctrl = new AbortController();
    const reason = new Error('Ctrl-C');
    const log = (m: string) => {
      if (m.startsWith('fine-tuning')) setTimeout(() => ctrl.abort(reason), 0);
    };
    await expect(ensureLocalFinetune('slow', long(), dataset, { force: true, log, signal: ctrl.signal, backend })).rejects.toBe(reason);
    expect(await savedWeights()).toEqual([]);
  }

  it('in a worker: the promise rejects and the training worker is terminated', async () => {
    const pool = new LocalWorkerPool(1);
    try {
      await abortDuringTraining(pool);
      // Terminated, not left computing a result nobody will read.
      expect(pool.stats()).toEqual({ workers: 0, running: 0, queued: 0 });
    } finally {
      await pool.close();
    }
  });

  it('inline (RAGVFT_LOCAL_WORKERS=0): training yields to the event loop and stops at the next slice', async () => {
    await abortDuringTraining(createLocalBackend(0));
  });
});
