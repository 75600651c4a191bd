/** `npm run migrate [-- --lock]`: see server/deploy/migrateCommand.ts and docs/operations.md. */
import { runMigrate } from '../deploy/migrateCommand';

process.exitCode = await runMigrate(process.argv.slice(2), process.env, console);
