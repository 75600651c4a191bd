/**
 * Mutations of a valid body: one change at one place in it (any depth). Some changes can never
 * leave a strict body valid (an unknown key on the top-level object, a body that is not an
 * object); the others might (a dropped key may be optional, a long string may be allowed), and
 * are sent only when the route's schema refuses the result, so every body sent is invalid.
 */
import fc from 'fast-check';
import { bulky, fromValue, json, nanLike, nastyKeys, number, text, toText, type Json } from './garbage';

type Path = (string | number)[];

/** Every place in a value: the root, each object key and array index, depth first. */
function places(v: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...places(x, [...at, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...places(x, [...at, k]));
  return out;
}

function get(v: unknown, path: Path): unknown {
  return path.reduce<unknown>((x, k) => (x as Record<string | number, unknown>)[k], v);
}

/** A copy of `v` with the value at `path` replaced by `f(old)` (the parent is given to f too). */
function change(v: unknown, path: Path, f: (old: unknown) => unknown): unknown {
  if (path.length === 0) return f(v);
  const [k, ...rest] = path;
  if (Array.isArray(v)) return v.map((x, i) => (i === k ? change(x, rest, f) : x));
  const o = v as Record<string, unknown>;
  return Object.fromEntries(Object.entries(o).map(([key, x]) => [key, key === k ? change(x, rest, f) : x]));
}

/** A Json as the plain value JSON.parse makes of it (`__proto__` stays an own key). */
const plain = (j: Json): unknown => JSON.parse(toText(j));

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** A value of another JSON type than `old`. */
const otherType = (old: unknown) => json.map(plain).filter((j) => typeOf(j) !== typeOf(old));

export interface Mutant {
  /** What was done, for the failure message. */
  how: string;
  /** The body's text. */
  body: string;
  /** True when no strict schema can accept it whatever its fields (so no schema check is needed). */
  alwaysInvalid: boolean;
}

const keyed = (how: string, alwaysInvalid = false) => (v: Json | unknown, raw?: boolean): Mutant => ({ how, body: raw ? (v as string) : toText(fromValue(v)), alwaysInvalid });

/** Mutations of `valid` (a JSON object). */
export function mutants(valid: object): fc.Arbitrary<Mutant> {
  const all = places(valid);
  const inner = all.filter((p) => p.length > 0);
  const at = (paths: Path[]) => fc.constantFrom(...paths);
  const objects = all.filter((p) => typeOf(get(valid, p)) === 'object');
  const strings = all.filter((p) => typeof get(valid, p) === 'string');
  const numbers = all.filter((p) => typeof get(valid, p) === 'number');
  const keyedPlaces = inner.filter((p) => typeof p[p.length - 1] === 'string');
  const arrays = all.filter((p) => Array.isArray(get(valid, p)));
  const options: fc.Arbitrary<Mutant>[] = [
    // An unknown key on the top-level object: a strict schema refuses it whatever the rest is.
    fc.tuple(fc.oneof(fc.constantFrom(...nastyKeys.filter((k) => !(k in valid))), text(20).filter((k) => !(k in valid))), json).map(([k, x]) => {
      const entries = (fromValue(valid) as { entries: [string, Json][] }).entries;
      return { how: `unknown top-level key ${JSON.stringify(k)}`, body: toText({ entries: [...entries, [k, x]] }), alwaysInvalid: true };
    }),
    // A body that is not an object.
    fc.oneof(json, bulky).filter((j) => typeOf(j) !== 'object').map((j) => ({ how: 'not an object', body: toText(j), alwaysInvalid: true })),
    // An unknown key deeper (strict objects refuse it; lenient ones, on purpose, strip it).
    fc.tuple(at(objects), fc.constantFrom(...nastyKeys), json).map(([p, k, x]) => keyed(`unknown key ${JSON.stringify(k)} at ${p.join('.')}`)(change(valid, p, (o) => ({ ...(o as object), [k]: plain(x) })))),
    at(inner).chain((p) => otherType(get(valid, p)).map((x) => keyed(`type changed at ${p.join('.')}`)(change(valid, p, () => x)))),
    fc.tuple(at(inner), fc.constantFrom<unknown>(null, true, [], {}, '', 0)).map(([p, x]) => keyed(`${JSON.stringify(x)} at ${p.join('.')}`)(change(valid, p, () => x))),
    fc.tuple(at(inner), fc.constantFrom(...nanLike)).map(([p, x]) => keyed(`${JSON.stringify(x)} at ${p.join('.')}`)(change(valid, p, () => x))),
    fc.tuple(at(inner), bulky).map(([p, x]) => keyed(`bulky value at ${p.join('.')}`)(toText(fromValue(change(valid, p, () => '\u0001BULKY\u0001'))).replace('"\\u0001BULKY\\u0001"', toText(x)), true)),
  ];
  if (keyedPlaces.length) options.push(at(keyedPlaces).map((p) => keyed(`dropped ${p.join('.')}`)(change(valid, p.slice(0, -1), (o) => Object.fromEntries(Object.entries(o as object).filter(([k]) => k !== p[p.length - 1]))))));
  if (strings.length) {
    options.push(fc.tuple(at(strings), fc.integer({ min: 200, max: 50_000 }), fc.constantFrom('x', 'é', '😀', ' ')).map(([p, n, c]) => keyed(`long string at ${p.join('.')}`)(change(valid, p, () => c.repeat(n)))));
    options.push(fc.tuple(at(strings), text()).map(([p, s]) => keyed(`other text at ${p.join('.')}`)(change(valid, p, () => s))));
    options.push(fc.tuple(at(strings)).map(([p]) => keyed(`wrong case at ${p.join('.')}`)(change(valid, p, (s) => String(s).toUpperCase() + ' '))));
    // The API refuses NUL in any text (http/input.ts): PostgreSQL cannot store it.
    options.push(fc.tuple(at(strings), fc.nat()).map(([p, n]) => keyed(`NUL in the string at ${p.join('.')}`, true)(change(valid, p, (s) => { const t = String(s); const i = n % (t.length + 1); return `${t.slice(0, i)}\u0000${t.slice(i)}`; }))));
  }
  if (numbers.length) {
    options.push(fc.tuple(at(numbers), number()).map(([p, x]) => keyed(`number ${x} at ${p.join('.')}`)(change(valid, p, () => x))));
    // Numbers JSON can write but a double cannot hold: JSON.parse makes them Infinity or 0.
    options.push(fc.tuple(at(numbers), fc.constantFrom('1e999', '-1e999', '1e-999', '123456789012345678901234567890')).map(([p, lit]) => keyed(`number ${lit} at ${p.join('.')}`)(toText(fromValue(change(valid, p, () => '\u0001NUM\u0001'))).replace('"\\u0001NUM\\u0001"', lit), true)));
  }
  if (arrays.length) {
    options.push(fc.tuple(at(arrays), fc.integer({ min: 0, max: 3 })).map(([p, n]) => keyed(n === 0 ? `emptied ${p.join('.')}` : `repeated items of ${p.join('.')}`)(change(valid, p, (a) => (n === 0 ? [] : Array.from({ length: 600 * n }, () => (a as unknown[])[0]))))));
  }
  return fc.oneof(...options);
}

/** A fixed set of mutations at every place of `valid`: tried first, every run, whatever the seed. */
export function mutationSweep(valid: object): Mutant[] {
  const out: Mutant[] = [
    { how: 'unknown top-level key "fuzz"', body: toText({ entries: [...(fromValue(valid) as { entries: [string, Json][] }).entries, ['fuzz', 1]] }), alwaysInvalid: true },
    { how: 'an array instead of the object', body: '[]', alwaysInvalid: true },
  ];
  const other = (v: unknown): unknown => (typeof v === 'string' ? 1 : typeof v === 'number' ? String(v) : typeof v === 'boolean' ? String(v) : Array.isArray(v) ? {} : v === null ? false : []);
  for (const p of places(valid)) {
    const at = p.join('.') || 'the top';
    const old = get(valid, p);
    const put = (how: string, x: unknown, alwaysInvalid = false) => out.push(keyed(`${how} at ${at}`, alwaysInvalid)(change(valid, p, () => x)));
    if (typeOf(old) === 'object') {
      for (const k of ['__proto__', 'constructor']) out.push(keyed(`${k} key at ${at}`)(change(valid, p, (o) => ({ ...(o as object), [k]: { polluted: true } }))));
    }
    if (p.length === 0) continue;
    if (typeof p[p.length - 1] === 'string') out.push(keyed(`dropped ${at}`)(change(valid, p.slice(0, -1), (o) => Object.fromEntries(Object.entries(o as object).filter(([k]) => k !== p[p.length - 1])))));
    put('null', null);
    put('another type', other(old));
    if (typeof old === 'string') {
      put('NUL inside', `${old}\u0000x`, true);
      put('empty string', '');
      put('5000 characters', 'x'.repeat(5000));
    }
    if (typeof old === 'number') for (const x of [-1, 0.5, 1e308, -1e308]) put(String(x), x);
  }
  return out;
}
