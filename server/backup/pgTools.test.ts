import { describe, expect, it } from 'vitest';
import { formatBytes } from './inspect';
import { PgToolError, pgTarget, redactUrl, runPgTool } from './pgTools';

describe('reaching DATABASE_URL with the PostgreSQL tools', () => {
  it('the password goes to PGPASSWORD, never into the URL the tools get or the text shown', () => {
    const t = pgTarget('postgres://plusone:p%40ss%2Fw0rd@db.internal:6543/plusone', { PATH: '/bin' });
    expect(t.env).toEqual({ PATH: '/bin', PGPASSWORD: 'p@ss/w0rd' });
    expect(t.url).toBe('postgres://plusone@db.internal:6543/plusone');
    expect(t.display).toBe('plusone@db.internal:6543/plusone');
    expect(t.database).toBe('plusone');
  });

  it('without a password the environment is passed as it is (PGPASSWORD or ~/.pgpass still work)', () => {
    const t = pgTarget('postgresql://postgres@127.0.0.1/test', { PGPASSWORD: 'from-env' });
    expect(t.env).toEqual({ PGPASSWORD: 'from-env' });
    expect(t.display).toBe('postgres@127.0.0.1:5432/test');
  });

  it("node-postgres' ssl=true becomes libpq's sslmode=require", () => {
    expect(pgTarget('postgres://u@h/db?ssl=true', {}).url).toBe('postgres://u@h/db?sslmode=require');
    expect(pgTarget('postgres://u@h/db?ssl=true&sslmode=verify-full', {}).url).toBe('postgres://u@h/db?sslmode=verify-full');
  });

  it('a URL shown in a message has its password masked', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(redactUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
    expect(redactUrl('::not a url')).toBe('(unparseable URL)');
  });

  it('a missing tool is named with how to install it; a failing one shows its last lines', async () => {
    await expect(runPgTool('pg_dump_not_installed', [], process.env)).rejects.toThrow(/pg_dump_not_installed is not installed: install the PostgreSQL client tools/);
    const failing = runPgTool('pg_restore', ['--list', '/nonexistent/file.dump'], process.env);
    await expect(failing).rejects.toBeInstanceOf(PgToolError);
    await expect(failing).rejects.toThrow(/pg_restore failed \(exit 1\):\n {2}pg_restore: error: could not open input file/);
  });

  it('sizes read as a person would say them', () => {
    expect([0, 1023, 1024, 1536, 10 * 1024, 5 * 1024 ** 2, 3 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '1023 B', '1.0 kB', '1.5 kB', '10 kB', '5.0 MB', '3.0 GB']);
  });
});
