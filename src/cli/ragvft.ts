#!/usr/bin/env node
// The `ragvft` command (package.json `bin`, compiled to dist/cli/ragvft.js): plain Node, no wrapper
// process, so Ctrl-C and SIGTERM reach the bench itself.
import { installOutputGuard } from '../util/terminal.js';
import { HARNESS_VERSION } from '../version.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // Answered before the commands (and the AI SDK, transformers.js, hnswlib they load) are imported.
  process.stdout.write(`${HARNESS_VERSION}\n`);
} else {
  // Everything printed is redacted and stripped of foreign terminal escapes, whatever printed it.
  installOutputGuard();
  const { main } = await import('./main.js');
  process.exitCode = await main(argv);
}
