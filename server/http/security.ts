/**
 * What protects the browser side, installed before any route:
 *  - security headers (helmet), with a Content-Security-Policy the PWA runs under: scripts,
 *    styles, the service worker and the manifest only from this origin; images also as data:
 *    URLs (the QR code of an invite link); connections to this origin, its Socket.IO websocket
 *    included; no plugins, no framing, forms only to this origin.
 *  - cross-site request forgery (CSRF) refused on every POST, PUT, PATCH and DELETE under /api,
 *    and cross-site websocket handshakes refused.
 *
 * Why a header and an origin check rather than a synchronizer token: a request is refused
 * unless it carries `X-PlusOne-CSRF: 1` (shared/access.ts), and, when the browser says where it
 * comes from, that is this server (`Sec-Fetch-Site` same-origin, `Origin` our host).
 *  - A page on another site cannot send a custom header: fetch and XMLHttpRequest would need
 *    a CORS preflight, which this server never answers with permission, and an HTML form or a
 *    navigation cannot set headers at all. So the header alone already proves the request was
 *    made by script on our own origin; Origin and Sec-Fetch-Site, sent by every current browser
 *    on such requests, refuse cross-site ones a second time.
 *  - The session cookie is SameSite=Lax on top, so a cross-site POST does not even carry it.
 *  - Nothing to fetch or keep in step: an installed PWA that was offline for days pushes its
 *    queue on return without first asking for a fresh token (a token bound to a session would
 *    have to be refetched after each sign-in and would expire under a device offline).
 * Not covered here, because they are not /api: provider callbacks (/hooks/*: the provider's
 * signature is the proof) and the one-click unsubscribe (/unsubscribe/:token: the token in the
 * message is; mail clients post it from anywhere by design, RFC 8058).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { CSRF_HEADER, CSRF_VALUE } from '../../shared/access';
import { ErrorCode } from '../../shared/errors';
import { HttpError } from './errors';

export interface SecurityOptions {
  /** Behind a trusted proxy, the host the browser used is in X-Forwarded-Host. */
  trustProxy: boolean;
  /** Where the app is published (PUBLIC_URL): its origin is allowed too. */
  publicUrl?: string;
}

// A host as a browser sends it (name or IP, optional port): anything else is not echoed into a header.
const HOST = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/;

/** The host (with port) the browser addressed, or null when the header is not a plain host. */
export function requestHost(headers: IncomingHttpHeaders, trustProxy: boolean): string | null {
  const forwarded = trustProxy ? String(headers['x-forwarded-host'] ?? '').split(',')[0]!.trim() : '';
  const host = forwarded || headers.host || '';
  return HOST.test(host) ? host.toLowerCase() : null;
}

/**
 * Whether a request's Origin is this server: its own host, or PUBLIC_URL's origin. No Origin
 * at all is not a cross-site browser request (browsers send one on every cross-origin request
 * and on same-origin POSTs and websockets); `null` (a sandboxed or opaque origin) is refused.
 */
export function sameOrigin(origin: string | undefined, host: string | null, publicUrl?: string): boolean {
  if (origin === undefined) return true;
  try {
    const from = new URL(origin);
    if (host !== null && from.host === host) return true;
    return publicUrl !== undefined && from.origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}

const refuse = (why: string) => new HttpError(ErrorCode.FORBIDDEN, `Refused as a possible cross-site request: ${why}.`);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The CSRF check for /api (see the header comment). */
export function csrfGuard(opts: SecurityOptions): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const site = req.get('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return next(refuse(`the browser says it came from a ${site} page`));
    if (!sameOrigin(req.get('origin'), requestHost(req.headers, opts.trustProxy), opts.publicUrl)) return next(refuse('it came from another origin'));
    if (req.get(CSRF_HEADER) !== CSRF_VALUE) return next(refuse(`the ${CSRF_HEADER} header is missing`));
    next();
  };
}

/** Socket.IO's `allowRequest`: a websocket opened from another origin is refused before the session is read. */
export function socketOriginCheck(opts: SecurityOptions) {
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void => {
    const ok = sameOrigin(req.headers.origin, requestHost(req.headers, opts.trustProxy), opts.publicUrl);
    callback(ok ? null : 'cross-origin websocket refused', ok);
  };
}

/** The websocket URLs of the host the page was loaded from (CSP Level 2 browsers do not count ws: as 'self'). */
const websocketsOf = (opts: SecurityOptions) => (req: IncomingMessage) => {
  const host = requestHost(req.headers, opts.trustProxy);
  return host ? `ws://${host} wss://${host}` : "'self'";
};

/** helmet with the PWA's Content-Security-Policy. */
export function securityHeaders(opts: SecurityOptions): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Stylesheets from here only; style attributes (React's and uPlot's inline sizes, the
        // server's small HTML pages) may be inline: they cannot run script.
        styleSrc: ["'self'"],
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", websocketsOf(opts)],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The app embeds nothing cross-origin, but requiring CORP of every resource buys nothing here.
    crossOriginEmbedderPolicy: false,
  }) as RequestHandler;
}
