/** The package surface: what `import … from 'ragvft'` gives a user's config or tool, from its build. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, ROOT } from './helpers/dist.js';

/** A consumer project outside the package, with ragvft installed (linked) in its node_modules. */
let consumer: string;

beforeAll(() => {
  buildDist();
  consumer = mkdtempSync(join(tmpdir(), 'ragvft-consumer-'));
  mkdirSync(join(consumer, 'node_modules'));
  symlinkSync(ROOT, join(consumer, 'node_modules', 'ragvft'), 'dir');
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
});

afterAll(() => {
  rmSync(consumer, { recursive: true, force: true });
});

describe("import from 'ragvft'", () => {
  it('resolves through package.json exports to compiled JavaScript (plain node, no tsx) and exposes the public API', () => {
    const script = `
      const m = await import('ragvft');
      const schema = import.meta.resolve('ragvft/result.schema.json');
      console.log(JSON.stringify({ keys: Object.keys(m).sort(), entry: import.meta.resolve('ragvft'), schema, schemaPath: m.RESULT_JSON_SCHEMA_PATH,
        metrics: m.METRICS.map((x) => x.id), ok: m.lenientJudgement('It is Paris.', ['Paris']).correct, config: m.defineConfig({ dataset: 'd' }) }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer, encoding: 'utf8' }));
    for (const name of ['defineConfig', 'ResultSchema', 'RESULT_SCHEMA_VERSION', 'RESULT_JSON_SCHEMA_PATH', 'METRICS', 'metric', 'aggregate', 'scoreAnswer', 'lenientJudgement', 'createAbstentionDetector', 'createJudge']) {
      expect(out.keys).toContain(name);
    }
    expect(out.entry).toMatch(/\/dist\/index\.js$/);
    expect(out.schema).toMatch(/\/dist\/results\/result\.schema\.json$/);
    expect(existsSync(out.schemaPath)).toBe(true);
    expect(new URL(out.schema).pathname).toBe(out.schemaPath);
    expect(out.metrics[0]).toBe('accuracy');
    expect(out.ok).toBe(true);
    expect(out.config).toEqual({ dataset: 'd' });
  });

  it('has declaration files: a TypeScript consumer type-checks against them', () => {
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['bench.config.ts'] }),
    );
    writeFileSync(
      join(consumer, 'bench.config.ts'),
      [
        "import { defineConfig, RESULT_SCHEMA_VERSION } from 'ragvft';",
        'export const version: string = RESULT_SCHEMA_VERSION;',
        '// @ts-expect-error: a misspelt key is a type error, so the declarations are real, not `any`',
        "defineConfig({ datasett: 'd' });",
        "export default defineConfig({ dataset: 'data' });",
        '',
      ].join('\n'),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', consumer], { cwd: consumer, encoding: 'utf8' });
  });
});
