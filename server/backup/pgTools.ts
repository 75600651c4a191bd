/**
 * Running PostgreSQL's own client tools (pg_dump, pg_restore) against DATABASE_URL. The
 * password never reaches their command line (visible to every user in `ps`) nor our output: it
 * goes to the child through PGPASSWORD, and the URL they get has it removed.
 */
import { spawn } from 'node:child_process';

export interface PgTarget {
  /** The URL without its password, for the tools' --dbname. */
  url: string;
  /** The environment the tools run with (PGPASSWORD set when the URL had a password). */
  env: NodeJS.ProcessEnv;
  /** What to print: user, host, port and database, never the password. */
  display: string;
  database: string;
}

export function pgTarget(databaseUrl: string, baseEnv: NodeJS.ProcessEnv = process.env): PgTarget {
  const url = new URL(databaseUrl);
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  url.password = '';
  // `?ssl=true` is node-postgres' spelling; libpq refuses an unknown parameter.
  const ssl = url.searchParams.get('ssl');
  url.searchParams.delete('ssl');
  if (ssl && ['true', '1'].includes(ssl) && !url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'require');
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username) || 'postgres';
  const display = `${decodeURIComponent(url.username) || '(default user)'}@${url.hostname || 'localhost'}:${url.port || '5432'}/${database}`;
  return { url: url.toString(), env, display, database };
}

/** URL with the password replaced, for any message that shows a connection string. */
export function redactUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export class PgToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgToolError';
  }
}

/**
 * Runs a tool; each stderr line goes to `onLine` (verbose progress), the last few are kept for
 * the error when it fails. Resolves with stdout.
 */
export function runPgTool(tool: string, args: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void = () => undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const tail: string[] = [];
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) take(line);
    });
    const take = (line: string) => {
      if (!line.trim()) return;
      tail.push(line);
      if (tail.length > 8) tail.shift();
      onLine(line);
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        new PgToolError(
          err.code === 'ENOENT'
            ? `${tool} is not installed: install the PostgreSQL client tools of the server's major version (Debian: apt-get install postgresql-client)`
            : `${tool} could not start: ${err.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      take(partial);
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new PgToolError(`${tool} failed (exit ${code}):\n${tail.map((l) => `  ${l}`).join('\n')}`));
    });
  });
}
