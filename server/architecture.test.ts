/**
 * Dependency direction (STYLE §7): shared/ is the pure domain and imports nothing of ours
 * outside itself, no Node built-in and no IO package; server/ and client/ never import each
 * other. Checked by scanning import statements, so a violation fails here before review.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Packages shared/ may use: pure computation, the same in a browser and in Node. */
const pureDomainPackages = ['zod', 'uuid', 'libphonenumber-js'];

const IMPORT = new RegExp(
  [
    String.raw`\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]`, // import x from 'a', export { y } from 'a'
    String.raw`\bimport\s*['"]([^'"]+)['"]`, // import 'a'
    String.raw`\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)`, // import('a')
    String.raw`\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)`, // require('a')
  ].join('|'),
  'g',
);

function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...code.matchAll(IMPORT)].map((m) => m.slice(1).find((s) => s !== undefined)!);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mts|js|jsx)$/.test(e.name) && !e.parentPath.includes('node_modules'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

interface Edge {
  file: string;
  spec: string;
  /** Top folder of a relative import ('shared', 'server', ...), or null for a package. */
  target: string | null;
}

function edges(dir: string): Edge[] {
  return sourceFiles(dir).flatMap((file) =>
    importsOf(readFileSync(join(root, file), 'utf8')).map((spec) => ({
      file,
      spec,
      target: spec.startsWith('.') ? relative(root, resolve(root, dirname(file), spec)).split(/[\\/]/)[0]! : null,
    })),
  );
}

const show = (list: Edge[]) => list.map((e) => `${e.file}: ${e.spec}`);
const packageName = (spec: string) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(packageName(spec));

describe('dependency direction', () => {
  it('the scanner sees every form of import', () => {
    const sample = `
      import { a } from './a';
      import type {
        B,
      } from "../b";
      export * from './c';
      import './d.css';
      const e = await import('./e');
      const f = require('f');
      /* import { no } from 'commented-out'; */
      // import { no } from 'commented-out';
      export const url = 'http://example.com';`;
    expect(importsOf(sample)).toEqual(['./a', '../b', './c', './d.css', './e', 'f']);
    expect(show(edges('server'))).toContain('server/auth/routes.ts: ../../shared/errors');
  });

  it('shared/ imports only shared/ and pure packages: no server/, client/, Node built-in or IO package', () => {
    const domain = edges('shared').filter((e) => !/\.test\.ts$/.test(e.file));
    expect(domain.length).toBeGreaterThan(10);
    const outside = domain.filter((e) => (e.target !== null ? e.target !== 'shared' : !pureDomainPackages.includes(packageName(e.spec))));
    expect(show(outside)).toEqual([]);
    expect(show(domain.filter((e) => isBuiltin(e.spec)))).toEqual([]);
  });

  it('no file of shared/ (tests included) imports server/ or client/', () => {
    expect(show(edges('shared').filter((e) => e.target === 'server' || e.target === 'client'))).toEqual([]);
  });

  it('server/ never imports client/, and client/ never imports server/', () => {
    // Harnesses that drive both sides at once (the randomized sync suite, the sync benchmark)
    // run the real client code against the real server: they are the one allowed meeting point.
    const harness = (file: string) => /^server\/(test|bench)\//.test(file);
    expect(show(edges('server').filter((e) => e.target === 'client' && !harness(e.file)))).toEqual([]);
    expect(show(edges('client').filter((e) => e.target === 'server'))).toEqual([]);
  });
});
