/** `npm run restore -- --in <file> [--force]`: see server/backup/cli.ts and docs/operations.md. */
import { runCommand } from '../backup/cli';

process.exitCode = await runCommand('restore', process.argv.slice(2), process.env, console);
