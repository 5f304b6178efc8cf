import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** Loads a `*.config.ts` (default export, usually via defineConfig) or a plain JSON config. */
export async function loadConfig(path = DEFAULT_CONFIG): Promise<LoadedConfig> {
  const abs = resolve(path);
  let raw: unknown;
  if (extname(abs) === '.json') {
    raw = await readJsonFile(abs);
  } else {
    await readInputFile(abs); // a clear "file not found" before import()'s stack trace
    try {
      raw = ((await import(pathToFileURL(abs).href)) as { default?: unknown }).default;
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
