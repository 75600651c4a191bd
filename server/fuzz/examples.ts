/**
 * One valid request input per route that takes one, typed by the shared schemas, for the fuzz to
 * mutate: bodies (with the schema that judges them) and queries (with the keys they may have).
 * Every optional top-level key is present, so a key the example lacks is a key the route does
 * not know. Keyed as `METHOD path`, the path being the access table's concrete one when it has
 * one (the sync collections differ in body), else its route.
 */
import { z } from 'zod';
import { type AccessRow } from '../../shared/access';
import { ClientErrorReport } from '../../shared/alerts';
import { NewBooking } from '../../shared/bookings';
import { SegmentDefinition } from '../../shared/analytics/segments';
import { VariantName } from '../../shared/experiments/config';
import { ShortCodeRequest, ShortCodeSignupRequest, SignupRequest } from '../../shared/invites';
import { NewEndpoint, ReplayRequest } from '../../shared/integrations/webhooks';
import { LoginRequest } from '../../shared/roles';
import { EventPushRequest, InvitationPushRequest, PullRequest } from '../../shared/sync/protocol';
import { SettingsInput, VariantInput } from '../experiments/store';
import { newInvitation } from '../test/server';

/** `METHOD path`: the concrete path when the table gives one, else the route itself. */
export const requestKey = (row: AccessRow): string => (row.path ? `${row.route.split(' ')[0]} ${row.path}` : row.route);

/** A value per parameter that a route accepts as well-formed (the access test's, so the route gets past its path). */
const samples: Record<string, string> = {
  code: 'AAAAAAAAAAAAAAAAAAAAAA',
  token: 'not-a-token',
  name: 'invitation',
  dataset: 'invitations',
  channel: 'email',
  decision: 'clear',
  collection: 'invitations',
};
const SOME_UUID = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';

/** The row's request path, with a well-formed value for each parameter it leaves open. */
export const pathOf = (row: AccessRow): string => row.path ?? row.route.split(' ')[1]!.replace(/:(\w+)/g, (_m, p: string) => samples[p] ?? SOME_UUID);

/** The route's parameters and where they sit in its path (by segment). */
export function paramsOf(row: AccessRow): number[] {
  return row.route.split(' ')[1]!.split('/').flatMap((seg, i) => (seg.startsWith(':') ? [i] : []));
}

export interface BodyExample {
  schema: z.ZodType;
  body: object;
}
const body = <S extends z.ZodType>(schema: S, value: z.input<S> & object): BodyExample => ({ schema, body: value });

const invitation = newInvitation('u-ritz', { recipientPhone: null });
const pull = body(PullRequest, { checkpoint: { txid: 1, rev: 1 }, batchSize: 10 });
const invitationPush = body(InvitationPushRequest, { rows: [{ newDocumentState: invitation, assumedMasterState: null }] });
const signup = { name: 'Fuzz Couple', email: 'fuzz.couple@example.com', password: 'a long enough password' };
// Beside their routes (segments/routes.ts, experiments/routes.ts, privacy/routes.ts), written again here.
const NewSegment = SegmentDefinition.omit({ id: true });
const Promote = z.strictObject({ variant: VariantName });
const EraseRequest = z.strictObject({ password: z.string().min(1).max(200) });

export const bodyExamples: Record<string, BodyExample> = {
  'POST /api/auth/login': body(LoginRequest, { email: 'ritz@demo.plusone', password: 'not the password' }),
  'POST /api/sync/invitations/pull': pull,
  'POST /api/sync/viral_events/pull': pull,
  'POST /api/sync/metrics/pull': pull,
  'POST /api/sync/invitations/push': invitationPush,
  'POST /api/sync/metrics/push': invitationPush,
  'POST /api/sync/viral_events/push': body(EventPushRequest, {
    rows: [{ newDocumentState: { id: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c', type: 'invitation.opened', invitationId: invitation.id, capturedAt: new Date().toISOString(), deviceId: 'fuzz-device' } }],
  }),
  'POST /api/bookings': body(NewBooking, { id: SOME_UUID, couple: 'couple@demo.plusone', supplierId: 'u-ritz', amountCents: 1_240_000, bookedAt: '2026-01-02T10:00:00Z' }),
  'POST /api/segments': body(NewSegment, { name: 'Fuzzed segment', rule: { combinator: 'and', conditions: [{ field: 'tier', operator: 'exists', value: null }] } }),
  'POST /api/experiments/email/variants/control': body(VariantInput, { subject: 'Join us', body: 'Hello {{recipientName}}, {{inviteUrl}}', weight: 1 }),
  'POST /api/experiments/email/settings': body(SettingsInput, { mode: 'fixed', threshold: 0.95, status: 'running' }),
  'POST /api/experiments/email/promote': body(Promote, { variant: 'control' }),
  'POST /api/invites/:code/signup': body(SignupRequest, signup),
  'POST /api/join/check': body(ShortCodeRequest, { shortCode: '2345-6789' }),
  'POST /api/join/signup': body(ShortCodeSignupRequest, { ...signup, shortCode: '2345-6789' }),
  'POST /api/webhooks/endpoints': body(NewEndpoint, { url: 'https://example.com/hook', description: 'fuzz', eventTypes: ['invitation.accepted'], segmentIds: ['super-connectors'] }),
  'POST /api/webhooks/endpoints/:id/replay': body(ReplayRequest, { eventId: SOME_UUID }),
  'POST /api/account/erase': body(EraseRequest, { password: 'not the password' }),
  'POST /api/client-errors': body(ClientErrorReport, { kind: 'error', message: 'boom', stack: 'at x', path: '/dashboard', release: '1.0.0' }),
};

/**
 * Values at the edges of what each API query key accepts (or just past them), tried one key at
 * a time on the valid example: the route may answer them or refuse them, never fail on them.
 */
export const queryEdges: Record<string, Record<string, string[]>> = {
  'GET /api/viral/coefficient': { windowDays: ['7', '90', '0', '-7', '7.0', '1e1', '0x1e', ' 30', '30 ', '9007199254740993'] },
  'GET /api/viral/k': {
    windowDays: ['7', '90', '1', '12', '91', '0', '-1', '1.5', '1e1', ' 30', '9007199254740993'],
    dim: ['all', 'actor', 'channel', 'variant', 'experiment', 'ALL', 'org', ''],
    val: ['', 'email', 'u-ritz', 'x'.repeat(40), 'x'.repeat(41), "'; DROP TABLE users; --", '%', '_', '\\'],
  },
  'GET /api/segments/:id/export': { format: ['csv', 'json', 'CSV', 'xml', ''] },
  'GET /api/webhooks/endpoints/:id/attempts': { limit: ['1', '500', '501', '0', '-1', '1e2', '2.5'], before: ['1', '0', '-1', '9007199254740991', '9007199254740993', '1e308'] },
  'GET /api/export/:dataset': {
    format: ['csv', 'json', 'JSON', ''],
    from: ['0001-01-01', '9999-12-31', '1970-01-01', '2026-02-30', ''],
    to: ['0001-01-01', '9999-12-31', '2000-02-29'],
    type: ['invitation.accepted', 'x', 'x'.repeat(60), 'x'.repeat(61), '%', "'"],
  },
};

/** Queries the routes read, as a valid example (every key the route knows). */
export const queryExamples: Record<string, Record<string, string>> = {
  'GET /api/viral/coefficient': { windowDays: '30' },
  'GET /api/viral/k': { windowDays: '30', dim: 'channel', val: 'email' },
  'GET /api/segments/:id/export': { format: 'json' },
  'GET /api/webhooks/endpoints/:id/attempts': { limit: '10', before: '5' },
  'GET /api/export/:dataset': { format: 'json', from: '2026-01-01', to: '2026-01-31', type: 'invitation.accepted' },
  // Not the API's (no strict query there): Meta's verification call.
  'GET /hooks/whatsapp': { 'hub.mode': 'subscribe', 'hub.verify_token': 'x', 'hub.challenge': 'y' },
};
