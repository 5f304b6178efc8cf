import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { InputError } from '../util/errors.js';
import { redactSecrets } from '../util/redact.js';
import { HARNESS_VERSION } from '../version.js';
import { DEFAULT_CONFIG, loadConfig } from '../config/load.js';
import { type GateConfig, GateConfigSchema } from '../gate/config.js';
import { registerBench } from './commands/bench.js';
import { registerCompare } from './commands/compare.js';
import { registerGate } from './commands/gate.js';
import { registerFinetune } from './commands/finetune.js';
import { registerValidate } from './commands/validate.js';
import { registerJudgeCheck } from './commands/judge-check.js';
import { registerReport } from './commands/report.js';
import { registerInit } from './commands/init.js';
import { registerMerge } from './commands/merge.js';

/** Builds the CLI; exit codes: 0 ok, 1 failure/regression, 2 bad input. */
export function buildProgram(): Command {
  const program = new Command('ragvft')
    .description('Benchmark RAG vs fine-tuning vs both on your questions')
    .version(HARNESS_VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerBench(program);
  registerFinetune(program);
  registerValidate(program);
  registerInit(program);
  registerCompare(program);
  registerJudgeCheck(program);
  registerReport(program);
  registerGate(program, { loadGateConfig });
  registerMerge(program);
  return program;
}

/**
 * `gate` thresholds: the `gate` section of --config; without it, of the default config where that
 * exists (this repository), else the metric registry's defaults, so a gate runs in any folder.
 */
async function loadGateConfig(path?: string): Promise<GateConfig> {
  if (path === undefined && !existsSync(DEFAULT_CONFIG)) return GateConfigSchema.parse({});
  return (await loadConfig(path)).config.gate;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof InputError) {
      process.stderr.write(`ragvft: ${redactSecrets(err.message)}\n`);
      return 2;
    }
    process.stderr.write(`ragvft: ${redactSecrets(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
    return 1;
  }
}
