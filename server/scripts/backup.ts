/** `npm run backup -- --out <file> [--force]`: see server/backup/cli.ts and docs/operations.md. */
import { runCommand } from '../backup/cli';

process.exitCode = await runCommand('backup', process.argv.slice(2), process.env, console);
