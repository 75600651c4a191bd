/**
 * `npm run load -- --users <n> --seconds <s> [--servers 2] [--url <base>[,<base>]] [--rate <pushes/s>]`,
 * parsed and bounded. The bounds keep the tool a harness, not a weapon: loopback only (a URL
 * elsewhere is refused), at most 10,000 sockets per server process (each socket is a file
 * descriptor on both ends and the hard limit here is 20,000 per process), at most 600 s.
 */
import { isIP } from 'node:net';

export const MAX_USERS_PER_SERVER = 10_000;
export const MAX_SECONDS = 600;
export const MAX_RATE = 2_000;

export interface LoadArgs {
  users: number;
  seconds: number;
  servers: 1 | 2;
  /** Servers already running (loopback); none: the tool starts its own. */
  urls: string[];
  /** Pushes per second (invitations and acceptances together). */
  rate: number;
}

export class LoadArgsError extends Error {}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopback(base: string): boolean {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (LOOPBACK_NAMES.has(url.hostname)) return true;
  return isIP(url.hostname) === 4 && url.hostname.startsWith('127.');
}

function int(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min || n > max) throw new LoadArgsError(`--${name} must be a whole number from ${min} to ${max} (got ${value ?? 'nothing'})`);
  return n;
}

export function parseLoadArgs(argv: readonly string[]): LoadArgs {
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    if (!flag.startsWith('--') || argv[i + 1] === undefined) throw new LoadArgsError(`expected --name value pairs, got ${flag}`);
    given.set(flag.slice(2), argv[i + 1]!);
  }
  const known = ['users', 'seconds', 'servers', 'url', 'rate'];
  for (const name of given.keys()) if (!known.includes(name)) throw new LoadArgsError(`unknown option --${name} (known: ${known.map((k) => `--${k}`).join(', ')})`);
  const urls = given.get('url')?.split(',').filter(Boolean) ?? [];
  for (const u of urls) if (!isLoopback(u)) throw new LoadArgsError(`--url must be a loopback http URL (this tool loads only this machine): ${u}`);
  const servers = int('servers', given.get('servers') ?? String(Math.max(1, urls.length)), 1, 2) as 1 | 2;
  if (urls.length > 0 && urls.length !== servers) throw new LoadArgsError(`--servers ${servers} needs ${servers} comma-separated --url bases`);
  return {
    users: int('users', given.get('users'), 1, MAX_USERS_PER_SERVER * servers),
    seconds: int('seconds', given.get('seconds'), 1, MAX_SECONDS),
    servers,
    urls,
    rate: int('rate', given.get('rate') ?? '200', 1, MAX_RATE),
  };
}
