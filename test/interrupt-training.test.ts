/**
 * Ctrl-C during local training: the bench stops before training completes (training runs off the
 * event loop, and the signal reaches it), exits 130, and leaves no weights, journal or result.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'ragvft-interrupt-training-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs bench, sends SIGINT once training has started; resolves with its exit and output. */
function interruptDuringTraining(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/ragvft.ts', 'bench', '--config', join(dir, 'config.json'), '--no-preflight'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/fine-tuning local:slow/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stderr }));
  });
}

describe('Ctrl-C during local training', () => {
  // Hundreds of epochs: many seconds of training if the signal waited for it.
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      dataset: join(ROOT, 'fixtures/aurelia'),
      cacheDir: join(dir, 'cache'),
      outDir: join(dir, 'results'),
      models: { slow: 'local:slow' },
      finetune: { slow: { data: 'plain', epochs: 400 } },
      pipelines: [{ name: 'fine-tuned', model: 'slow', retrieval: false }],
    }),
  );

  for (const workers of ['1', '0']) {
    it(`stops before training completes (RAGVFT_LOCAL_WORKERS=${workers}): exit 130, nothing written`, async () => {
      const { code, stderr } = await interruptDuringTraining({ RAGVFT_LOCAL_WORKERS: workers });
      expect(code, stderr).toBe(130);
      expect(stderr).toContain('interrupted before any question was asked; nothing to resume');
      const finetunes = join(dir, 'cache', 'finetunes');
      const saved = existsSync(finetunes) ? readdirSync(finetunes).filter((d) => existsSync(join(finetunes, d, 'weights.json'))) : [];
      expect(saved).toEqual([]); // training never completed
      expect(existsSync(join(dir, 'cache', 'runs'))).toBe(false);
      expect(existsSync(join(dir, 'results'))).toBe(false);
    });
  }
});
