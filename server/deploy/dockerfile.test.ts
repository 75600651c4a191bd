/**
 * The Dockerfile, parsed (no Docker engine here, nor needed): it builds the PWA, runs the server
 * as a non-root user on the app's port with a healthcheck, carries the PostgreSQL client tools
 * for backups, and everything the server imports at run time survives its `--omit=dev` install.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { commandOf, parseDockerfile, type DockerStage } from './configFiles';

const root = fileURLToPath(new URL('../..', import.meta.url));
const stages = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const final = stages.at(-1)!;
const ops = (stage: DockerStage, op: string) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);

describe('Dockerfile', () => {
  it('builds the PWA in a stage of its own and copies only the built files into the image', () => {
    const builder = stages.find((s) => ops(s, 'RUN').some((r) => /\bvite build\b|npm run build\b/.test(r)));
    expect(builder?.name, 'a named stage runs vite build').toBeTruthy();
    expect(builder).not.toBe(final);
    const outDir = loadConfig({}).STATIC_DIR;
    expect(ops(final, 'COPY')).toContainEqual(expect.stringMatching(new RegExp(`^--from=${builder!.name} /app/${outDir} \\./${outDir}$`)));
  });

  it('installs production dependencies only, with the lockfile', () => {
    expect(ops(final, 'COPY').some((c) => c.split(' ').includes('package-lock.json'))).toBe(true);
    expect(ops(final, 'RUN')).toContainEqual(expect.stringMatching(/\bnpm ci\b.*--omit=dev/));
  });

  it('runs as a non-root user, exposes the port the server listens on, and checks /readyz', () => {
    const user = ops(final, 'USER').at(-1);
    expect(user).toBeTruthy();
    expect(['root', '0']).not.toContain(user!.split(':')[0]);
    expect(ops(final, 'EXPOSE').flatMap((e) => e.split(' '))).toContain(String(loadConfig({}).PORT));
    const health = ops(final, 'HEALTHCHECK').at(-1)!;
    expect(commandOf(health).join(' ')).toContain('/readyz');
  });

  it('starts server/main.ts with node and tsx', () => {
    const cmd = commandOf(ops(final, 'CMD').at(-1)!);
    expect(cmd[0]).toBe('node');
    expect(cmd.slice(1)).toEqual(['--import', 'tsx', 'server/main.ts']);
    expect(ops(final, 'ENTRYPOINT')).toEqual([]);
  });

  it('carries the PostgreSQL client tools that npm run backup and restore use', () => {
    expect(ops(final, 'RUN')).toContainEqual(expect.stringMatching(/apt-get install .*\bpostgresql-client\b/));
  });

  it('leaves the host\'s node_modules, builds and data out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', 'data']));
  });

  it('every package the server and its scripts import at run time is a production dependency, and the image has their folders', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const copied = ops(final, 'COPY').filter((c) => !c.startsWith('--from')).flatMap((c) => c.split(' ').slice(0, -1));
    const entries = ['server/main.ts', 'server/scripts/migrate.ts', 'server/scripts/backup.ts', 'server/scripts/restore.ts'];
    const { files, packages } = runtimeImports(entries.map((e) => join(root, e)));
    const missing = [...packages].filter((p) => !(p in pkg.dependencies));
    expect(missing, 'imported at run time but not in "dependencies"').toEqual([]);
    const folders = new Set([...files].map((f) => f.slice(root.length).split('/').filter(Boolean)[0]!));
    for (const folder of folders) expect(copied, `the image copies ${folder}/`).toContain(folder);
    expect(files.size).toBeGreaterThan(50);
  });
});

/** Files reachable from the entries through value imports, and the packages they import. */
function runtimeImports(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const builtins = new Set(builtinModules);
  const pending = [...entries];
  const IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]|\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/gm;
  while (pending.length) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const m of code.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) {
        const base = resolve(dirname(file), spec);
        const target = [...(/\.tsx?$/.test(base) ? [base] : []), `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((p) => existsSync(p));
        if (target) pending.push(target);
      } else if (!spec.startsWith('node:') && !builtins.has(spec)) {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
  }
  return { files, packages };
}
