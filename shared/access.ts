/**
 * Who may do what, written once as data. The server enforces it in each route (requireUser,
 * requireRole, the owner checks), in each sync scope and in each socket room; this table is
 * what those checks promise. README.md's "Who may do what" is rendered from it
 * (`accessMarkdown`), and server/auth/access.test.ts walks it against a real server: every
 * route of the app must have a row here, and every row must hold for every role.
 *
 * Also here: the anti-forgery header every state-changing API request carries, and the
 * sign-in throttle's numbers (DESIGN §6: policy numbers live in shared/).
 * Pure data and functions.
 */
import { roles, type Role } from './roles';

/** Someone with no session, or a signed-in role. */
export type Who = 'anonymous' | Role;
export const audiences: readonly Who[] = ['anonymous', ...roles];
export const SIGNED_IN: readonly Who[] = roles;
export const EVERYONE: readonly Who[] = audiences;
const OWNER: readonly Who[] = ['owner'];

export interface AccessRow {
  /** `METHOD /path` as the app declares it (Express parameters, `*` for the PWA fallback). */
  route: string;
  /** The concrete request the access test makes, when the route has parameters or several meanings. */
  path?: string;
  /** What it does, in plain words. */
  action: string;
  /** Who the server lets through; anyone else gets 401 (no session) or 403. */
  who: readonly Who[];
  /** What it is limited to, in plain words. */
  note?: string;
  /** Not a session but a proof the caller must hold (a provider's signature): without it, 403 for anyone. */
  proof?: string;
}

/**
 * The routes. Some open to everyone still need something only the rightful caller holds: a
 * provider's signature (`proof`: 403 without it), or a code or token in the URL (404 when it is
 * unknown; said in `note`).
 */
export const accessTable: readonly AccessRow[] = [
  { route: 'POST /api/auth/login', action: 'sign in', who: EVERYONE, note: 'throttled per account and per address' },
  { route: 'POST /api/auth/logout', action: 'sign out (ends this session)', who: EVERYONE },
  { route: 'GET /api/auth/me', action: 'who am I', who: SIGNED_IN },

  { route: 'POST /api/sync/:collection/pull', path: '/api/sync/invitations/pull', action: 'pull invitations', who: SIGNED_IN, note: 'supplier, couple: own and addressed to them; coordinator: their organisation; owner: none' },
  { route: 'POST /api/sync/:collection/pull', path: '/api/sync/viral_events/pull', action: 'pull viral events', who: SIGNED_IN, note: 'same scope as invitations' },
  { route: 'POST /api/sync/:collection/pull', path: '/api/sync/metrics/pull', action: 'pull metrics snapshots', who: SIGNED_IN, note: "platform figures for all; one's own figures; the dashboard for the owner" },
  { route: 'POST /api/sync/:collection/push', path: '/api/sync/invitations/push', action: 'create and edit invitations (conflict answers included)', who: ['supplier', 'couple'], note: 'only their own invitations' },
  { route: 'POST /api/sync/:collection/push', path: '/api/sync/viral_events/push', action: 'answer an invitation (accept, decline, open)', who: SIGNED_IN, note: 'only invitations addressed to their email' },
  { route: 'POST /api/sync/:collection/push', path: '/api/sync/metrics/push', action: 'push metrics (computed by the server)', who: [] },

  { route: 'GET /api/viral/coefficient', action: 'platform K', who: SIGNED_IN },
  { route: 'GET /api/viral/k', action: 'K over 7, 30 or 90 days ending today, any breakdown', who: SIGNED_IN, note: 'slices under 5 inviters suppressed' },
  { route: 'GET /api/viral/drift', action: 'check counters against a rebuild', who: OWNER },
  { route: 'POST /api/viral/connectors/recompute', action: 'recompute super-connectors', who: OWNER },

  { route: 'POST /api/bookings', action: 'record a booking', who: ['supplier', 'owner'], note: "a supplier: bookings of their own organisation's suppliers" },

  { route: 'GET /api/segments', action: 'list marketing segments', who: OWNER },
  { route: 'POST /api/segments', action: 'create a segment', who: OWNER },
  { route: 'DELETE /api/segments/:id', action: 'delete a segment', who: OWNER },
  { route: 'GET /api/segments/:id/members', action: "a segment's members", who: OWNER },
  { route: 'GET /api/segments/:id/export', action: 'export a segment', who: OWNER },

  { route: 'GET /api/experiments', action: 'experiments and results', who: OWNER },
  { route: 'GET /api/experiments/assignment', action: 'my template variants', who: SIGNED_IN },
  { route: 'GET /api/experiments/:channel', path: '/api/experiments/email', action: 'one experiment', who: OWNER },
  { route: 'POST /api/experiments/:channel/variants/:name', path: '/api/experiments/email/variants/control', action: 'save a template variant', who: OWNER },
  { route: 'POST /api/experiments/:channel/settings', path: '/api/experiments/email/settings', action: "change an experiment's settings", who: OWNER },
  { route: 'POST /api/experiments/:channel/promote', path: '/api/experiments/email/promote', action: 'promote a variant', who: OWNER },

  { route: 'GET /api/delivery/dead-letters', action: 'messages that could not be delivered', who: OWNER },
  { route: 'POST /api/delivery/:id/retry', action: 'send a dead letter again', who: OWNER },
  { route: 'GET /api/dev/mailbox', action: 'the local mail catcher (demo)', who: OWNER },

  { route: 'GET /api/invites/:code', action: 'see who invited me (counts an open)', who: EVERYONE, note: 'the 128-bit code is the proof' },
  { route: 'POST /api/invites/:code/accept', action: 'accept an invitation link', who: SIGNED_IN, note: 'not their own; once; before it expires' },
  { route: 'POST /api/invites/:code/signup', action: 'make a couple account and accept', who: EVERYONE, note: 'once; before it expires' },
  { route: 'POST /api/join/check', action: 'check a short code', who: EVERYONE, note: 'guesses limited per address and overall' },
  { route: 'POST /api/join/signup', action: 'make a couple account with a short code', who: EVERYONE, note: 'guesses limited' },

  { route: 'GET /api/webhooks/endpoints', action: 'list webhook endpoints', who: OWNER },
  { route: 'POST /api/webhooks/endpoints', action: 'add a webhook endpoint', who: OWNER },
  { route: 'GET /api/webhooks/endpoints/:id', action: 'one endpoint', who: OWNER },
  { route: 'DELETE /api/webhooks/endpoints/:id', action: 'remove an endpoint', who: OWNER },
  { route: 'POST /api/webhooks/endpoints/:id/enable', action: 'turn an endpoint back on', who: OWNER },
  { route: 'GET /api/webhooks/endpoints/:id/attempts', action: "an endpoint's delivery log", who: OWNER },
  { route: 'POST /api/webhooks/endpoints/:id/replay', action: 'replay an event to an endpoint', who: OWNER },
  { route: 'GET /api/webhooks/notices', action: 'disabled endpoints', who: OWNER },
  { route: 'GET /api/marketing/feed', action: 'marketing feed', who: OWNER },
  { route: 'GET /api/export/:dataset', path: '/api/export/invitations', action: 'export a dataset', who: OWNER },
  { route: 'GET /api/schemas', action: 'published JSON Schemas', who: EVERYONE },
  { route: 'GET /api/schemas/:name', action: 'one JSON Schema', who: EVERYONE },

  { route: 'GET /api/fraud/queue', action: 'invitations held for fraud review', who: OWNER },
  { route: 'POST /api/fraud/:id/:decision', action: 'release or block a held invitation', who: OWNER },

  { route: 'GET /api/account/export', action: 'download my data', who: SIGNED_IN, note: 'only their own account' },
  { route: 'POST /api/account/erase', action: 'erase my account', who: SIGNED_IN, note: 'only their own; asks for the password again' },
  { route: 'GET /api/privacy/runs', action: 'anonymisation runs', who: OWNER },
  { route: 'POST /api/privacy/runs', action: 'run the anonymisation now', who: OWNER },

  { route: 'GET /api/admin/alerts', action: 'alerts and recorded errors', who: OWNER },
  { route: 'POST /api/client-errors', action: "report the app's own error", who: EVERYONE, note: 'rate-limited per user or address' },
  { route: 'GET /metrics', action: 'Prometheus metrics', who: EVERYONE, note: 'loopback callers only, or with the METRICS_TOKEN bearer token' },

  { route: 'POST /hooks/twilio/status/:deliveryId', action: 'Twilio status callback', who: EVERYONE, proof: 'X-Twilio-Signature' },
  { route: 'GET /hooks/whatsapp', action: "Meta's webhook verification", who: EVERYONE, proof: 'the verify token' },
  { route: 'POST /hooks/whatsapp', action: 'WhatsApp status webhook', who: EVERYONE, proof: 'X-Hub-Signature-256' },
  { route: 'GET /i/:code', action: 'tracked invite link', who: EVERYONE },
  { route: 'GET /unsubscribe/:token', action: 'unsubscribe page', who: EVERYONE },
  { route: 'POST /unsubscribe/:token', action: 'opt out of messages', who: EVERYONE, note: 'the token in the message is the proof' },
  { route: 'GET /healthz', action: 'liveness', who: EVERYONE },
  { route: 'GET /readyz', action: 'readiness', who: EVERYONE },
  { route: 'GET *', path: '/dashboard/viral', action: 'the PWA (any other page)', who: EVERYONE },
];

/** Rooms a socket is joined to by the server (no client can ask to join one). */
export const roomTable: readonly { room: string; who: string }[] = [
  { room: 'user:<id>', who: 'that user: changes to their invitations and events, their own figures' },
  { room: 'recipient:<email>', who: 'the account with that email: invitations addressed to it' },
  { room: 'org:<id>', who: "coordinators of that organisation: its invitations and events" },
  { room: 'dashboard', who: 'the owner: platform dashboard snapshots' },
  { room: 'signed-in', who: 'every signed-in user: platform figures' },
];

/**
 * Every POST, PUT, PATCH and DELETE under /api must carry this header (any value is refused
 * but `1`). A page on another site cannot add a custom header to a request without the
 * browser first asking the server (CORS preflight), which this server never allows, and an
 * HTML form cannot add headers at all; see server/http/security.ts for the full argument.
 */
export const CSRF_HEADER = 'x-plusone-csrf';
export const CSRF_VALUE = '1';

/**
 * Failed sign-ins allowed before a wait: per account (the email, known or not, so the answer
 * does not reveal which exist) and per client address. A success clears the account's count.
 */
export const SIGN_IN_THROTTLE = {
  perAccount: { points: 5, seconds: 15 * 60 },
  perAddress: { points: 20, seconds: 15 * 60 },
} as const;

const mark = (allowed: boolean) => (allowed ? 'yes' : '—');

/** The routes table as Markdown, for README.md (rows: routes, columns: roles). */
export function accessMarkdown(rows: readonly AccessRow[] = accessTable): string {
  const head = `| route | action | ${audiences.join(' | ')} | note |`;
  const rule = `| --- | --- | ${audiences.map(() => ':---:').join(' | ')} | --- |`;
  const body = rows.map((r) => {
    const shown = r.path ? `${r.route.split(' ')[0]} ${r.path}` : r.route;
    const note = r.proof ? `only with ${r.proof} (else 403)` : (r.note ?? '');
    return `| \`${shown}\` | ${r.action} | ${audiences.map((w) => mark(r.who.includes(w))).join(' | ')} | ${note} |`;
  });
  return [head, rule, ...body].join('\n');
}

/** The rooms table as Markdown. */
export function roomsMarkdown(rows = roomTable): string {
  return ['| room | who is joined |', '| --- | --- |', ...rows.map((r) => `| \`${r.room}\` | ${r.who} |`)].join('\n');
}
