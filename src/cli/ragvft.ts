import { installOutputGuard } from '../util/terminal.js';
import { main } from './main.js';

// Everything printed is redacted and stripped of foreign terminal escapes, whatever printed it.
installOutputGuard();
process.exitCode = await main(process.argv.slice(2));
