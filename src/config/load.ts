import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { describeZodError, readInputFile, readJsonFile } from '../util/input.js';
import { InputError } from '../util/errors.js';
import { type Config, ConfigSchema, configProblems } from './schema.js';

export const DEFAULT_CONFIG = 'bench/default.config.ts';

export interface LoadedConfig {
  path: string;
  config: Config;
  /** The dataset path resolved against the config file's folder. */
  datasetPath: string;
}

/** TypeScript configs go through tsx; the CLI itself is compiled JavaScript and runs without it. */
const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

/** The config module's namespace: tsx (loaded only now) for TypeScript, Node's own import() otherwise. */
async function importConfigModule(abs: string): Promise<{ default?: unknown }> {
  const url = pathToFileURL(abs).href;
  if (!TS_EXTENSIONS.has(extname(abs))) return (await import(url)) as { default?: unknown };
  const { tsImport } = await import('tsx/esm/api');
  const mod = (await tsImport(url, import.meta.url)) as { default?: { __esModule?: boolean; default?: unknown } };
  // A .ts file outside an ESM package is compiled as CommonJS: its exports arrive as the default.
  return mod.default?.__esModule ? mod.default : mod;
}

/** Loads a `*.config.ts`/`.js` (default export, usually via defineConfig) or a plain JSON config. */
export async function loadConfig(path = DEFAULT_CONFIG): Promise<LoadedConfig> {
  const abs = resolve(path);
  let raw: unknown;
  if (extname(abs) === '.json') {
    raw = await readJsonFile(abs);
  } else {
    await readInputFile(abs); // a clear "file not found" before import()'s stack trace
    try {
      raw = (await importConfigModule(abs)).default;
    } catch (e) {
      throw new InputError(`cannot load config module (${(e as Error).message})`, { file: abs });
    }
    if (raw === undefined) throw new InputError('config module has no default export (export default defineConfig({...}))', { file: abs });
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const { field, message } = describeZodError(parsed.error);
    throw new InputError(message, { file: abs, field });
  }
  const config = parsed.data;
  const [problem] = configProblems(config);
  if (problem) throw new InputError(problem.message, { file: abs, field: problem.field });
  const datasetPath = isAbsolute(config.dataset) ? config.dataset : resolve(dirname(abs), config.dataset);
  return { path: abs, config, datasetPath };
}

/**
 * For commands whose config is optional (providers, cacheDir, prices): the given config, else the
 * default one where it exists (this repository), else the built-in defaults (`path` null).
 */
export async function loadConfigOrDefault(path: string | undefined): Promise<{ config: Config; path: string | null }> {
  if (path !== undefined || existsSync(resolve(DEFAULT_CONFIG))) {
    const loaded = await loadConfig(path ?? DEFAULT_CONFIG);
    return { config: loaded.config, path: loaded.path };
  }
  return { config: ConfigSchema.parse({ dataset: '.' }), path: null };
}
