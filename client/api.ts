/**
 * The client's HTTP calls: JSON in and out, the session cookie, and errors as `ApiError` with
 * the shared code so screens show plain words. A failed connection is a `NetworkError`: the
 * caller keeps its work and tries again later. Every call that changes something carries the
 * anti-forgery header the server requires (`csrfHeaders`; server/http/security.ts says why).
 */
import { CSRF_HEADER, CSRF_VALUE } from '../shared/access';
import { ErrorCode, errorText, isErrorCode } from '../shared/errors';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../shared/sync/protocol';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Fired on window when the server answers that this app's protocol is too old (426). */
export const OUTDATED_EVENT = 'plusone:outdated';

export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('The server cannot be reached.', { cause });
    this.name = 'NetworkError';
  }
}

/** Where requests go: the page's own origin in the browser; a server URL and a cookie in Node tests. */
export interface Endpoint {
  base: string;
  headers?: () => Record<string, string>;
}

export const sameOrigin: Endpoint = { base: '' };

/**
 * A request that has not answered by then is given up as a network failure (and retried by
 * the sync queue): on a venue's flaky link a connection can hang without ever failing, and a
 * push waiting forever would hold every write behind it.
 */
export const REQUEST_TIMEOUT_MS = 20_000;

/** Proves a state-changing request comes from this app (every method but GET carries it). */
const csrfHeaders: Readonly<Record<string, string>> = { [CSRF_HEADER]: CSRF_VALUE };

export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  sync = false,
  endpoint: Endpoint = sameOrigin,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(endpoint.base + path, {
      method,
      credentials: 'same-origin',
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method !== 'GET' ? csrfHeaders : {}),
        ...(sync ? { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) } : {}),
        ...endpoint.headers?.(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    throw new NetworkError(err);
  }
  // A body cut off by the timeout is a network failure too, not an answer.
  let data: any;
  try {
    data = await res.json();
  } catch (err) {
    if (err instanceof DOMException && (err.name === 'TimeoutError' || err.name === 'AbortError')) throw new NetworkError(err);
    data = null;
  }
  if (res.status === 426 && typeof window !== 'undefined') {
    // This build speaks an old sync protocol: the update prompt fetches the new version.
    window.dispatchEvent(new Event(OUTDATED_EVENT));
  }
  if (!res.ok) {
    const code: ErrorCode = isErrorCode(data?.error?.code) ? data.error.code : ErrorCode.INTERNAL;
    throw new ApiError(res.status, code, data?.error?.message ?? errorText[code]);
  }
  return data as T;
}
