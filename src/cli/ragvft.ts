#!/usr/bin/env node
// The `ragvft` command (package.json `bin`, compiled to dist/cli/ragvft.js): plain Node, no wrapper
// process, so Ctrl-C and SIGTERM reach the bench itself.
import { installOutputGuard } from '../util/terminal.js';
import { main } from './main.js';

// Everything printed is redacted and stripped of foreign terminal escapes, whatever printed it.
installOutputGuard();
process.exitCode = await main(process.argv.slice(2));
