/**
 * The bad requests the fuzz sends to one route of the access table, and what it expects back.
 * Every request is invalid by construction or by the route's schema (see mutations.ts), so
 * the right answer is always a refusal: a 4xx with `{ error: { code, message } }` on the API,
 * a 4xx on the provider callbacks (no signature), and never a 5xx anywhere. The one exception,
 * marked `mayPass`: query values at the edge of what a GET route accepts, which it may answer.
 */
import fc from 'fast-check';
import { CSRF_HEADER, CSRF_VALUE, type AccessRow } from '../../shared/access';
import { errorStatus, isErrorCode } from '../../shared/errors';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../shared/sync/protocol';
import { apiInput } from '../http/input';
import { bodyExamples, paramsOf, pathOf, queryEdges, queryExamples, requestKey } from './examples';
import { bulky, enc, garbageSegment, json, malformedJson, nastySegments, text, toText } from './garbage';
import { mutants, mutationSweep } from './mutations';
import type { RawAnswer, RawRequest } from './rawHttp';

export interface BadRequest extends RawRequest {
  /** What kind of garbage this is, for the failure message. */
  how: string;
  /** An edge the route's schema may accept (queryEdges): any answer but a failure will do. */
  mayPass?: boolean;
}

const isApi = (row: AccessRow) => row.route.split(' ')[1]!.startsWith('/api/');
const takesQuery = (row: AccessRow) => (apiInput.query as readonly string[]).includes(row.route);

const isEmptyObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
const parses = (text: string): { value: unknown } | null => {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return null;
  }
};

/** Whether a body text must be refused by this route: its schema refuses it, or (taking none) it is not `{}`. */
function refusedBody(row: AccessRow, body: string): boolean {
  const parsed = parses(body);
  if (!parsed) return true;
  if (!isApi(row)) return true;
  const example = bodyExamples[requestKey(row)];
  if (!example) return !isEmptyObject(parsed.value);
  return !example.schema.safeParse(parsed.value).success;
}

const nonJsonTypes = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', 'json', 'application/octet-stream', 'text/json'];
const unreadable = [
  { 'content-type': 'application/json; charset=utf-16' },
  { 'content-type': 'application/json; charset=latin1' },
  { 'content-type': 'application/json; charset=bogus' },
  { 'content-type': 'application/json', 'content-encoding': 'gzip' },
  { 'content-type': 'application/json', 'content-encoding': 'deflate' },
  { 'content-type': 'application/json', 'content-encoding': 'br' },
  { 'content-type': 'application/json', 'content-encoding': 'bogus' },
];

/** A query string that no strict schema of this route accepts. */
function badQuery(row: AccessRow): fc.Arbitrary<{ how: string; query: string }> {
  const known = Object.keys(queryExamples[row.route] ?? {});
  const unknownKey = text(30).filter((k) => !known.includes(k));
  const pieces: fc.Arbitrary<{ how: string; piece: string }>[] = [
    fc.tuple(unknownKey, text(60)).map(([k, v]) => ({ how: `unknown key ${JSON.stringify(k)}`, piece: `${enc(k)}=${enc(v)}` })),
    unknownKey.filter((k) => k !== '').map((k) => ({ how: `unknown key ${JSON.stringify(k)} without a value`, piece: enc(k) })),
  ];
  if (known.length) {
    const key = fc.constantFrom(...known);
    pieces.push(
      fc.tuple(key, text(20), text(20)).map(([k, a, b]) => ({ how: `repeated ${k}`, piece: `${k}=${enc(a)}&${k}=${enc(b)}` })),
      fc.tuple(key, fc.constantFrom('[]', '[0]', '[a]', '.x')).map(([k, s]) => ({ how: `${k}${s}`, piece: `${enc(k + s)}=1` })),
      // Up to 4 kB each: three of them stay under Node's 16 kB for the request head (past it, Node answers 431 itself).
      fc.tuple(key, fc.integer({ min: 1000, max: 4000 }), fc.constantFrom('9', 'x', '%F0%9F%98%80')).map(([k, n, c]) => ({ how: `huge ${k}`, piece: `${k}=${c.repeat(Math.ceil(n / c.length))}` })),
      // The API refuses NUL in any text (http/input.ts).
      fc.tuple(key, text(10)).map(([k, v]) => ({ how: `NUL in ${k}`, piece: `${k}=${enc(v)}%00` })),
    );
  }
  const base = Object.entries(queryExamples[row.route] ?? {}).map(([k, v]) => `${k}=${enc(v)}`);
  return fc.array(fc.oneof(...pieces), { minLength: 1, maxLength: 3 }).map((bad) => ({
    how: `query: ${bad.map((b) => b.how).join(', ')}`,
    query: [...(takesQuery(row) ? base : []), ...bad.map((b) => b.piece)].join('&'),
  }));
}

/** The path with one or every parameter replaced by garbage. */
function badPath(row: AccessRow): fc.Arbitrary<{ how: string; path: string }> {
  const segments = pathOf(row).split('/');
  const at = paramsOf(row);
  return fc.tuple(fc.subarray(at, { minLength: 1 }), fc.array(garbageSegment, { minLength: at.length, maxLength: at.length })).map(([which, junk]) => {
    const out = [...segments];
    which.forEach((i, n) => (out[i] = junk[n]!));
    return { how: `path parameters ${which.map((i) => row.route.split(' ')[1]!.split('/')[i]).join(', ')}`, path: out.join('/') };
  });
}

/** The bad inputs a route can be given, each as method, path, headers and body (no caller yet). */
export function badRequests(row: AccessRow): fc.Arbitrary<BadRequest> {
  const method = row.route.split(' ')[0]!;
  const path = pathOf(row);
  const example = bodyExamples[requestKey(row)];
  const jsonType = { 'content-type': 'application/json' };
  const kinds: fc.Arbitrary<BadRequest>[] = [
    fc.oneof({ weight: 4, arbitrary: json }, { weight: 1, arbitrary: bulky }).map(toText).filter((b) => refusedBody(row, b)).map((body) => ({ how: 'arbitrary JSON body', method, path, headers: jsonType, body })),
    malformedJson.map((body) => ({ how: 'malformed JSON', method, path, headers: jsonType, body })),
    fc.tuple(fc.constantFrom(...nonJsonTypes), example ? fc.constant(JSON.stringify(example.body)) : text(200).filter((t) => t.length > 0)).map(([type, body]) => ({ how: `body as ${type}`, method, path, headers: { 'content-type': type }, body })),
    fc.constantFrom(...unreadable).map((headers) => ({ how: `unreadable body ${JSON.stringify(headers)}`, method, path, headers, body: example ? JSON.stringify(example.body) : '{"x":1}' })),
    fc.constant({ how: 'body over the size limit', method, path, headers: jsonType, body: `{"x":"${'x'.repeat(2 * 1024 * 1024)}"}` }),
    badQuery(row).map(({ how, query }) => ({ how, method, path: `${path}?${query}`, ...(example ? { headers: jsonType, body: JSON.stringify(example.body) } : {}) })),
  ];
  if (example) {
    kinds.push(
      mutants(example.body)
        .filter((m) => m.alwaysInvalid || refusedBody(row, m.body))
        .map((m) => ({ how: `valid body, ${m.how}`, method, path, headers: jsonType, body: m.body })),
    );
  }
  const weighted = kinds.map((arbitrary, i) => ({ arbitrary, weight: i === SIZE_LIMIT ? 1 : 10 }));
  if (paramsOf(row).length > 0) {
    weighted.push({ weight: 20, arbitrary: badPath(row).map((p) => ({ how: p.how, method, path: p.path, ...bodyOf(row) })) });
  }
  return fc.oneof(...weighted).map(summarised);
}

/** Index of the size-limit case in `kinds` above: costly, so rare. */
const SIZE_LIMIT = 4;

/** The valid body a route takes, if any (so a bad path is the only thing wrong). */
const bodyOf = (row: AccessRow): Pick<BadRequest, 'headers' | 'body'> => {
  const example = bodyExamples[requestKey(row)];
  return example ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(example.body) } : {};
};

/** The fixed mutations of the route's valid body that its schema refuses: tried first, every run. */
export function bodySweep(row: AccessRow): BadRequest[] {
  const example = bodyExamples[requestKey(row)];
  if (!example) return [];
  const method = row.route.split(' ')[0]!;
  return mutationSweep(example.body)
    .filter((m) => m.alwaysInvalid || refusedBody(row, m.body))
    .map((m) => summarised({ how: `valid body, ${m.how}`, method, path: pathOf(row), headers: { 'content-type': 'application/json' }, body: m.body }));
}

/** Each edge value of each query key on the valid example (GET routes only: they write nothing). */
export function querySweep(row: AccessRow): BadRequest[] {
  const edges = queryEdges[row.route];
  if (!edges || !isApi(row)) return [];
  const path = pathOf(row);
  const valid = queryExamples[row.route] ?? {};
  return Object.entries(edges).flatMap(([key, values]) =>
    values.map((value) => {
      const query = Object.entries({ ...valid, [key]: value }).map(([k, v]) => `${k}=${enc(v)}`).join('&');
      return summarised({ how: `edge ${key}=${JSON.stringify(clip(value, 40))}`, method: 'GET', path: `${path}?${query}`, mayPass: true });
    }),
  );
}

/** Every known nasty segment at every parameter: tried first, every run, whatever the seed. */
export function pathSweep(row: AccessRow): BadRequest[] {
  const [method, pattern] = row.route.split(' ') as [string, string];
  const segments = pathOf(row).split('/');
  return paramsOf(row).flatMap((i) =>
    nastySegments.map((junk) => summarised({ how: `path parameter ${pattern.split('/')[i]} = ${clip(junk, 40)}`, method, path: segments.map((s, n) => (n === i ? junk : s)).join('/'), ...bodyOf(row) })),
  );
}

const clip = (s: string | Buffer | undefined, n: number) => (s === undefined ? '' : String(s).length > n ? `${String(s).slice(0, n)}… (${String(s).length} chars)` : String(s));

/** A counterexample is printed short (bodies and paths can be megabytes). */
function summarised(req: BadRequest): BadRequest {
  return Object.assign(req, { [fc.toStringMethod]: () => `${req.how}: ${req.method} ${clip(req.path, 300)} ${JSON.stringify(req.headers ?? {})} body ${clip(req.body, 300)}` });
}

/** Headers a caller adds: their cookie, and mostly the anti-forgery and sync-protocol headers. */
export function withCaller(row: AccessRow, req: BadRequest, cookie: string | null, extras: { csrf: boolean; protocol: boolean }): BadRequest {
  const sync = row.route.includes('/api/sync/');
  return {
    ...req,
    headers: {
      ...req.headers,
      ...(cookie ? { cookie } : {}),
      ...(extras.csrf && req.method !== 'GET' ? { [CSRF_HEADER]: CSRF_VALUE } : {}),
      ...(extras.protocol && sync ? { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) } : {}),
    },
  };
}

/** What is wrong with the answer to a bad request, or null when it is a proper refusal (or, for an edge, any proper answer). */
export function problemWith(row: AccessRow, req: BadRequest, answer: RawAnswer): string | null {
  if (answer.status >= 500) return `a ${answer.status}`;
  const refused = answer.status >= 400 && answer.status < 500;
  const error = (answer.json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (isApi(row)) {
    if (!refused) return req.mayPass ? null : `a ${answer.status} to garbage`;
    if (!error || !isErrorCode(error.code) || typeof error.message !== 'string') return `a ${answer.status} without { error: { code, message } }`;
    if (errorStatus[error.code] !== answer.status) return `a ${answer.status} with code ${error.code} (which is ${errorStatus[error.code]})`;
    return null;
  }
  if (row.proof && !refused) return `a ${answer.status} without ${row.proof}`;
  if (refused && error !== undefined && !isErrorCode(error.code)) return `an error code ${String(error.code)} not in shared/errors.ts`;
  return null;
}
