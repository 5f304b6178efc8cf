/** The package surface: what `import … from 'ragvft'` gives a user's config or tool. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe("import from 'ragvft'", () => {
  it('resolves through package.json exports and exposes the public API', () => {
    // A child process, as a user's config loaded by tsx resolves it (Node's package self-reference).
    const script = "import('ragvft').then((m) => console.log(JSON.stringify({ keys: Object.keys(m).sort(), metrics: m.METRICS.map((x) => x.id), ok: m.lenientJudgement('It is Paris.', ['Paris']).correct, config: m.defineConfig({ dataset: 'd' }) })))";
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' }));
    for (const name of ['defineConfig', 'ResultSchema', 'RESULT_SCHEMA_VERSION', 'RESULT_JSON_SCHEMA_PATH', 'METRICS', 'metric', 'aggregate', 'scoreAnswer', 'lenientJudgement', 'createAbstentionDetector', 'createJudge']) {
      expect(out.keys).toContain(name);
    }
    expect(out.metrics[0]).toBe('accuracy');
    expect(out.ok).toBe(true);
    expect(out.config).toEqual({ dataset: 'd' });
  });
});
