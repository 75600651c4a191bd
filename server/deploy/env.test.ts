/**
 * .env.example lists every variable an operator sets (server/config.ts `configKeys`), each with
 * a one-line comment and the schema's own default, so a copied file changes nothing until a
 * value is edited. A failure names the line to add, remove or correct.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configKeys, loadConfig, type Config } from '../config';

interface Entry {
  key: string;
  value: string;
  commented: boolean;
}

/** KEY=value lines (quotes around the value removed), and whether a comment line precedes each. */
function parseEnvFile(text: string): Entry[] {
  const entries: Entry[] = [];
  let previous = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) {
      const value = m[2]!.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
      entries.push({ key: m[1]!, value, commented: previous.startsWith('#') });
    } else if (line && !line.startsWith('#')) {
      throw new Error(`.env.example: "${line}" is neither KEY=value nor a comment`);
    }
    previous = line;
  }
  return entries;
}

/** How a default is written in an env file. */
const asEnv = (v: unknown) => (v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v));

const entries = parseEnvFile(readFileSync(fileURLToPath(new URL('../../.env.example', import.meta.url)), 'utf8'));
const defaults = loadConfig({});

describe('.env.example', () => {
  it('lists every variable of server/config.ts once, and nothing else', () => {
    const keys = entries.map((e) => e.key);
    const missing = configKeys.filter((k) => !keys.includes(k)).map((k) => `add ${k}=${asEnv(defaults[k])}`);
    const extra = keys.filter((k) => !(configKeys as string[]).includes(k)).map((k) => `remove ${k}`);
    const twice = keys.filter((k, i) => keys.indexOf(k) !== i).map((k) => `${k} is listed twice`);
    expect([...missing, ...extra, ...twice]).toEqual([]);
  });

  it("gives each variable the schema's default", () => {
    const wrong = entries
      .filter((e) => (configKeys as string[]).includes(e.key))
      .filter((e) => JSON.stringify(loadConfig({ [e.key]: e.value })[e.key as keyof Config]) !== JSON.stringify(defaults[e.key as keyof Config]))
      .map((e) => `${e.key}=${e.value} should be ${e.key}=${asEnv(defaults[e.key as keyof Config])}`);
    expect(wrong).toEqual([]);
    // Together too: the whole file, loaded as it is, configures exactly the defaults.
    expect(loadConfig(Object.fromEntries(entries.map((e) => [e.key, e.value])))).toEqual(defaults);
  });

  it('explains each variable in a comment line above it', () => {
    expect(entries.filter((e) => !e.commented).map((e) => e.key)).toEqual([]);
  });

  it('the reader takes quoted values and refuses a line that is not an assignment', () => {
    expect(parseEnvFile('# a\nA="x y"\nB=\'z\'\n\nC=')).toEqual([
      { key: 'A', value: 'x y', commented: true },
      { key: 'B', value: 'z', commented: false },
      { key: 'C', value: '', commented: false },
    ]);
    expect(() => parseEnvFile('export A=1')).toThrow('"export A=1" is neither KEY=value nor a comment');
  });
});
