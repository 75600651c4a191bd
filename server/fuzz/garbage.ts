/**
 * Generated garbage for the fuzz: JSON values written as text by hand (so an object may hold
 * `__proto__` as an own key, or the same key twice, as JSON.parse allows), deep and large
 * values, text that is not JSON at all, and the small pieces the request builders use.
 */
import fc from 'fast-check';

/** A JSON value whose objects are lists of entries (keys may repeat, `__proto__` included), or text already written (`raw`). */
export type Json = null | boolean | number | string | Json[] | { entries: [string, Json][] } | { raw: string };

/** Keys that hurt code which copies objects carelessly, and keys near the ones the app uses. */
export const nastyKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', '$where', '$gt', '', ' ', 'id', 'rows', 'role', 'admin', 'isAdmin', 'userId', 'orgId', 'email', 'password'];

/** Strings a loose parser turns into numbers, booleans or nothing. */
export const nanLike = ['NaN', 'Infinity', '-Infinity', '1e309', '-0', '0x10', '1_000', '', ' ', 'null', 'undefined', 'true', 'false', '[]', '{}', '0', '-1'];

/** Awkward characters: NUL, controls, a lone surrogate, right-to-left, emoji, combining marks. */
const oddChars = ['\u0000', '\u0007', '\n', '\r', '\t', '\ud800', '\udfff', '\u202e', '\ufeff', '😀', 'é', 'e\u0301', '\\', '"', "'", '<', '>', '&', '%', '/', '..'];

export const text = (maxLength = 40): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength, unit: 'grapheme' }) },
    { weight: 2, arbitrary: fc.array(fc.constantFrom(...oddChars), { maxLength: 8 }).map((a) => a.join('')) },
    { weight: 1, arbitrary: fc.constantFrom(...nanLike, ...nastyKeys) },
  );

export const number = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -0, -1, 0.5, 2 ** 31, 2 ** 53, -(2 ** 53) - 2, 1e21, 1e308, -1e308, 5e-324),
  );

export const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    number(),
    text(),
    fc.array(tie('value'), { maxLength: 6 }),
    fc.record({ entries: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...nastyKeys), text(20)), tie('value')), { maxLength: 6 }) }),
  ),
})).value;

/** Deeply nested arrays or objects, and long arrays or strings. */
export const bulky: fc.Arbitrary<Json> = fc.oneof(
  // Written as text: a tree this deep would overflow the stack of whoever walks it recursively.
  fc.integer({ min: 100, max: 5000 }).map((depth) => {
    const open = Array.from({ length: depth }, (_, i) => (i % 2 ? '[' : '{"a":'));
    const close = Array.from({ length: depth }, (_, i) => (i % 2 ? ']' : '}')).reverse();
    return { raw: `${open.join('')}1${close.join('')}` };
  }),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  fc.tuple(fc.constantFrom('x', 'é', '😀', '\u0000'), fc.integer({ min: 1000, max: 100_000 })).map(([c, n]) => c.repeat(n)),
  fc.integer({ min: 100, max: 2000 }).map((n) => ({ entries: Array.from({ length: n }, (_, i) => [`k${i}`, i] as [string, Json]) })),
);

/** JSON text of a value (JSON.stringify's escaping for strings and keys). */
export function toText(v: Json): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(toText).join(',')}]`;
  if ('raw' in v) return v.raw;
  return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toText(x)}`).join(',')}}`;
}

/** A plain JSON value as a Json (keys in order). */
export function fromValue(v: unknown): Json {
  if (v === null || typeof v !== 'object') return v as Json;
  if (Array.isArray(v)) return v.map(fromValue);
  return { entries: Object.entries(v).map(([k, x]) => [k, fromValue(x)]) };
}

/** Text that is not JSON: cut short, trailing commas, comments, single quotes, NaN, BOM, binary. */
export const malformedJson: fc.Arbitrary<string> = fc.oneof(
  json.map(toText).filter((t) => t.length > 1).chain((t) => fc.integer({ min: 1, max: t.length - 1 }).map((cut) => t.slice(0, cut))),
  fc.constantFrom('{', '}', '{"a":}', '{"a":1,}', '[1,]', "{'a':1}", '{a:1}', '{"a":NaN}', '{"a":Infinity}', '{"a":undefined}', '{"a":1}//', '/*x*/{}', '\ufeff{}x', '{"a":"\\x41"}', '{"a":"\\ud800"', 'nul', 'tru', '"unterminated', '{"a":01}', '{"a":.5}', '{"a":1e}', '{"a":-}', '\u0000', '{}{}', '[]]'),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
);

/** A path segment no route accepts as a value: dots, bad or odd percent-encoding, controls, very long. */
export const nastySegments = ['..', '.', '%00', 'a%00b', '%', '%zz', '%E0%A4%A', '%ED%A0%80', '%C0%AE%C0%AE', '%2e%2e', '%2F', '%2F..%2F..%2Fetc%2Fpasswd', '%252e', ';', '%3B', '%20', '__proto__%00', '__proto__%20', 'constructor%20', '-1%20', "'%20OR%201%3D1--", '%F0%9F%98%80', '%EF%BB%BF', 'a'.repeat(2000) + '.'];

export const garbageSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...nastySegments),
  // Any text with at least one character no identifier, code, token or name of the app has.
  fc.tuple(text(30), fc.constantFrom('\u0000', ' ', "'", '"', '<', '>', '\\', 'é', '😀', '\n', '{', '|', '^', '`')).chain(([s, c]) =>
    fc.integer({ min: 0, max: s.length }).map((at) => encodeURIComponent(toWellFormed(s.slice(0, at) + c + s.slice(at)))),
  ),
  fc.integer({ min: 300, max: 6000 }).map((n) => 'a'.repeat(n) + '.'),
);

/** Replaces lone surrogates, which encodeURIComponent refuses (the raw ones are in garbageSegment's list). */
function toWellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Percent-encodes a query key or value (lone surrogates made whole). */
export const enc = (s: string) => encodeURIComponent(toWellFormed(s));
