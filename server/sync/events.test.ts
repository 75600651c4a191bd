import { readSnapshot } from '../../shared/analytics/snapshots';
/**
 * Viral events through the sync API (SPEC PUSH1, PUSH2, ACC1, CONF2, CONF4, LIVE1, TIME1): a
 * couple answers an invitation addressed to them by pushing an event; the answer moves the
 * invitation along its lattice and is recorded once; who may see the events; the conflict
 * audit trail; the capture-time rule; and the test-only faults that break these on purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import { ViralEventDoc, type ClientEvent, type ClientEventType } from '../../shared/events';
import type { InvitationDoc, InvitationInput } from '../../shared/invitation';
import { MetricsDoc } from '../../shared/metrics';
import type { ChangeEvent } from '../../shared/sync/socket';
import { setFaults, type FaultName } from '../faults';
import { countRows, nextEvent, pullAll } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type ApiResponse, type TestServer } from '../test/server';

const COUPLE = 'couple@demo.plusone';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** An answer as the couple's phone writes it into its outbox. */
function answer(type: ClientEventType, invitationId: string, overrides: Partial<ClientEvent> = {}): ClientEvent {
  return { id: uuidv7(), type, invitationId, capturedAt: at(0), deviceId: 'couple-phone', ...overrides };
}

interface InvitationRow {
  status: string;
  rev: number;
  write_id: string;
}

interface EventRow {
  id: string;
  type: string;
  actor_id: string | null;
  inviter_id: string | null;
  org_id: string | null;
  device_id: string | null;
  data: Record<string, unknown>;
  captured_at: Date;
  counted_at: Date;
  time_source: string;
}

/** A demo server whose accounts were opened a month ago, signed in as the inviter and the couple. */
async function openWorld(env: Record<string, string> = {}) {
  const server = await startTestServer({ env });
  const { db } = server.testDb;
  // A capture time of hours or days ago is plausible for these accounts (TIME1).
  await db.query(`UPDATE users SET created_at = now() - interval '30 days' WHERE email LIKE '%@demo.plusone'`);
  const [ritz, couple] = await Promise.all([server.as('ritz@demo.plusone'), server.as(COUPLE)]);
  return {
    server,
    ritz,
    couple,
    /** Ritz invites the couple; answers the invitation as pushed. */
    async invite(overrides: Partial<InvitationInput> = {}): Promise<InvitationInput> {
      const inv = newInvitation('u-ritz', { recipientEmail: COUPLE, ...overrides });
      expect((await ritz.push('invitations', [{ newDocumentState: inv }])).body).toEqual({ results: [{ id: inv.id, outcome: 'applied' }] });
      return inv;
    },
    send: (client: ApiClient, events: ClientEvent[]): Promise<ApiResponse> =>
      client.push('viral_events', events.map((e) => ({ newDocumentState: e }))),
    async invitation(id: string): Promise<InvitationRow> {
      return (await db.query<InvitationRow>('SELECT status, rev, write_id FROM invitations WHERE id = $1', [id]))[0]!;
    },
    events: (invitationId: string): Promise<EventRow[]> =>
      db.query<EventRow>(
        `SELECT id, type, actor_id, inviter_id, org_id, device_id, data, captured_at, counted_at, time_source
           FROM viral_events WHERE invitation_id = $1 ORDER BY rev`,
        [invitationId],
      ),
  };
}
type World = Awaited<ReturnType<typeof openWorld>>;

/** Each row's [outcome, error code]; a push answered with anything but 200 fails here, saying why. */
function outcomes(res: ApiResponse): [string, string | undefined][] {
  if (res.status !== 200) throw new Error(`push answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.results.map((r: { outcome: string; error?: { code: string } }) => [r.outcome, r.error?.code]);
}

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(() => w?.server.close());

describe('answering an invitation', () => {
  it('PUSH1: the recipient\'s acceptance is applied: the invitation becomes accepted under a new rev, and one event records who, whose, where and when', async () => {
    const inv = await w.invite();
    const before = await w.invitation(inv.id);
    const accept = answer('invitation.accepted', inv.id, { capturedAt: at(-2 * HOUR) });

    const res = await w.send(w.couple, [accept]);
    expect([res.status, res.body]).toEqual([200, { results: [{ id: accept.id, outcome: 'applied' }] }]);

    const after = await w.invitation(inv.id);
    expect(after.status).toBe('accepted');
    expect(after.rev).toBeGreaterThan(before.rev);
    expect(await w.events(inv.id)).toEqual([
      {
        id: accept.id,
        type: 'invitation.accepted',
        actor_id: 'u-couple',
        inviter_id: 'u-ritz',
        org_id: 'org-ritz',
        device_id: 'couple-phone',
        data: {},
        captured_at: new Date(accept.capturedAt),
        counted_at: new Date(accept.capturedAt),
        time_source: 'device',
      },
    ]);
    // The couple's own replica sees the answer through pull, as the server holds it.
    const pulled = (await pullAll<InvitationDoc>(w.couple, 'invitations')).documents.find((d) => d.id === inv.id);
    expect(pulled).toMatchObject({ status: 'accepted', rev: after.rev });
  });

  it('LIVE1: an acceptance reaches the inviter live (invitation:changed, viral_event:created) and every dashboard as accepted + 1; another supplier gets neither change', async () => {
    const { server } = w;
    const [owner, photo] = await Promise.all([server.as('owner@demo.plusone'), server.as('photo@demo.plusone')]);
    const [ritzSocket, ownerSocket, photoSocket] = await Promise.all([w.ritz.socket(), owner.socket(), photo.socket()]);
    const photoSaw: string[] = [];
    photoSocket.on('invitation:changed', (e) => photoSaw.push(...e.documents.map((d) => d.id)));
    photoSocket.on('viral_event:created', (e) => photoSaw.push(...e.documents.map((d) => d.id)));

    const inv = await w.invite();
    const figures = (await owner.get('/api/viral/coefficient?windowDays=30')).body;
    const accepted = (e: ChangeEvent<MetricsDoc>) =>
      e.documents.some((d) => d.id === 'platform:30' && readSnapshot('platform', d)?.accepted === figures.accepted + 1 && readSnapshot('platform', d)?.sent === figures.sent);
    const accept = answer('invitation.accepted', inv.id);
    const live = Promise.all([
      nextEvent(ritzSocket, 'invitation:changed', (e) => e.documents.some((d) => d.id === inv.id && d.status === 'accepted')),
      nextEvent(ritzSocket, 'viral_event:created', (e) => e.documents.some((d) => d.id === accept.id)),
      nextEvent(ownerSocket, 'metrics:updated', accepted),
      nextEvent(photoSocket, 'metrics:updated', accepted),
    ]);
    expect(outcomes(await w.send(w.couple, [accept]))).toEqual([['applied', undefined]]);
    const [changed, created, metrics] = await live;

    expect(changed.documents.find((d) => d.id === inv.id)!.rev).toBe((await w.invitation(inv.id)).rev);
    expect(created.documents).toEqual([
      expect.objectContaining({ id: accept.id, type: 'invitation.accepted', actorId: 'u-couple', inviterId: 'u-ritz', invitationId: inv.id }),
    ]);
    expect(readSnapshot('platform', MetricsDoc.parse(metrics.documents.find((d) => d.id === 'platform:30')))).toMatchObject({ accepted: figures.accepted + 1, sent: figures.sent });
    // Photo's metrics:updated was emitted after the acceptance's changes; a socket's events
    // arrive in order, so had either change been sent to photo, it would already be here.
    expect(photoSaw).toEqual([]);
  });

  it('PUSH2: an answer takes effect once: retried, sent by two tabs at once, twice in one push, or accepted again under another id', async () => {
    const inv = await w.invite();
    const accept = answer('invitation.accepted', inv.id);
    expect(outcomes(await w.send(w.couple, [accept]))).toEqual([['applied', undefined]]);
    const accepted = await w.invitation(inv.id);

    // The same event again (a lost response), and another acceptance of the same invitation.
    const again = await w.send(w.couple, [accept, answer('invitation.accepted', inv.id)]);
    expect(outcomes(again)).toEqual([['duplicate', undefined], ['duplicate', undefined]]);
    expect(await w.invitation(inv.id)).toEqual(accepted);
    expect((await w.events(inv.id)).map((e) => e.id)).toEqual([accept.id]);

    // An event that does not move the status (an open after acceptance) twice in one push.
    const open = answer('invitation.opened', inv.id);
    expect(outcomes(await w.send(w.couple, [open, open]))).toEqual([['applied', undefined], ['duplicate', undefined]]);
    expect((await w.events(inv.id)).map((e) => e.id)).toEqual([accept.id, open.id]);

    // Two tabs of the couple push at once: the same acceptance, two acceptances of one
    // invitation, the same open of an accepted invitation (which moves nothing).
    const otherTab = await w.server.as(COUPLE);
    for (let i = 0; i < 6; i++) {
      const target = await w.invite();
      let first = answer('invitation.accepted', target.id);
      let second = first;
      if (i % 3 === 1) second = answer('invitation.accepted', target.id);
      if (i % 3 === 2) {
        expect(outcomes(await w.send(w.couple, [first]))).toEqual([['applied', undefined]]);
        first = second = answer('invitation.opened', target.id);
      }
      const before = (await w.events(target.id)).length;
      const answers = await Promise.all([w.send(w.couple, [first]), w.send(otherTab, [second])]);
      expect(answers.flatMap(outcomes).sort()).toEqual([['applied', undefined], ['duplicate', undefined]]);
      expect(await w.events(target.id)).toHaveLength(before + 1);
      expect((await w.invitation(target.id)).status).toBe('accepted');
    }
  });

  it('ACC1: only the person invited may answer: anyone else is refused FORBIDDEN, an unknown invitation NOT_FOUND, and nothing changes', async () => {
    const inv = await w.invite();
    const before = await w.invitation(inv.id);
    const photo = await w.server.as('photo@demo.plusone');
    for (const stranger of [photo, w.ritz]) {
      const res = await w.send(stranger, [answer('invitation.accepted', inv.id), answer('invitation.opened', inv.id)]);
      expect(outcomes(res)).toEqual([['refused', 'FORBIDDEN'], ['refused', 'FORBIDDEN']]);
    }
    const unknown = answer('invitation.accepted', uuidv7());
    const res = await w.send(w.couple, [unknown]);
    expect(res.body.results).toEqual([{ id: unknown.id, outcome: 'refused', error: { code: 'NOT_FOUND', message: expect.any(String) } }]);

    expect(await w.invitation(inv.id)).toEqual(before);
    expect(await w.events(inv.id)).toEqual([]);
    expect(await countRows(w.server.testDb.db, 'viral_events', 'id = $1', [unknown.id])).toBe(0);
  });

  it('CONF2: an answer never moves status backward: accepting a cancelled invitation is refused INVALID_INPUT; an open after acceptance is recorded and leaves it accepted', async () => {
    const cancelled = await w.invite();
    const seen = (await pullAll<InvitationDoc>(w.ritz, 'invitations')).documents.find((d) => d.id === cancelled.id)!;
    const cancel = { ...seen, status: 'cancelled' as const, writeId: uuidv7() };
    expect(outcomes(await w.ritz.push('invitations', [{ newDocumentState: cancel, assumedMasterState: seen }]))).toEqual([['applied', undefined]]);
    const beforeAccept = await w.invitation(cancelled.id);
    expect(outcomes(await w.send(w.couple, [answer('invitation.accepted', cancelled.id)]))).toEqual([['refused', 'INVALID_INPUT']]);
    expect(await w.invitation(cancelled.id)).toEqual(beforeAccept);
    expect(await w.events(cancelled.id)).toEqual([]);

    const inv = await w.invite();
    const accept = answer('invitation.accepted', inv.id);
    const open = answer('invitation.opened', inv.id);
    expect(outcomes(await w.send(w.couple, [accept]))).toEqual([['applied', undefined]]);
    const accepted = await w.invitation(inv.id);
    expect(outcomes(await w.send(w.couple, [open]))).toEqual([['applied', undefined]]);
    expect(await w.invitation(inv.id)).toEqual(accepted);
    expect((await w.events(inv.id)).map((e) => [e.id, e.type])).toEqual([[accept.id, 'invitation.accepted'], [open.id, 'invitation.opened']]);
  });
});

describe('who sees which events', () => {
  it('ACC1: the actor and the inviter pull an event, a coordinator of the inviter\'s organisation too; another supplier and the owner never', async () => {
    const inv = await w.invite();
    const accept = answer('invitation.accepted', inv.id);
    expect(outcomes(await w.send(w.couple, [accept]))).toEqual([['applied', undefined]]);
    const [photo, coordinator, owner] = await Promise.all([
      w.server.as('photo@demo.plusone'),
      w.server.as('coordinator@demo.plusone'),
      w.server.as('owner@demo.plusone'),
    ]);
    const pulled = async (client: ApiClient) => (await pullAll<ViralEventDoc>(client, 'viral_events')).documents.map((d) => ViralEventDoc.parse(d));
    const [byCouple, byRitz, byPhoto, byCoordinator, byOwner] = await Promise.all([
      pulled(w.couple),
      pulled(w.ritz),
      pulled(photo),
      pulled(coordinator),
      pulled(owner),
    ]);

    const expected = {
      id: accept.id,
      type: 'invitation.accepted',
      actorId: 'u-couple',
      inviterId: 'u-ritz',
      invitationId: inv.id,
      data: {},
      capturedAt: accept.capturedAt,
      countedAt: accept.capturedAt,
      timeSource: 'device',
      _deleted: false,
    };
    for (const docs of [byCouple, byRitz, byCoordinator]) expect(docs.find((d) => d.id === accept.id)).toMatchObject(expected);
    const db = w.server.testDb.db;
    expect(byRitz.every((d) => d.actorId === 'u-ritz' || d.inviterId === 'u-ritz')).toBe(true);
    expect(byPhoto.map((d) => d.id)).not.toContain(accept.id);
    expect(byPhoto.length).toBe(await countRows(db, 'viral_events', "actor_id = 'u-photo' OR inviter_id = 'u-photo'"));
    expect(byCoordinator.length).toBe(await countRows(db, 'viral_events', "org_id = 'org-ritz'"));
    expect(byOwner).toEqual([]);
  });
});

describe('the conflict audit trail', () => {
  it('CONF4: a stale edit of an invitation the couple accepted meanwhile records one sync.conflict_resolved event (rule, both sides, result) that the inviter pulls', async () => {
    const inv = await w.invite({ message: 'first note' });
    const seen = (await pullAll<InvitationDoc>(w.ritz, 'invitations')).documents.find((d) => d.id === inv.id)!;
    expect(outcomes(await w.send(w.couple, [answer('invitation.accepted', inv.id)]))).toEqual([['applied', undefined]]);
    const accepted = await w.invitation(inv.id);
    const conflicts = async () => (await w.events(inv.id)).filter((e) => e.type === 'sync.conflict_resolved');

    const staleEdit = { ...seen, status: 'cancelled' as const, message: 'second note', writeId: uuidv7() };
    const res = await w.ritz.push('invitations', [{ newDocumentState: staleEdit, assumedMasterState: seen }]);
    const [result] = res.body.results;
    expect(result).toMatchObject({ outcome: 'conflict', master: { status: 'accepted', message: 'second note' } });

    const [audit, ...more] = await conflicts();
    expect(more).toEqual([]);
    expect(audit).toMatchObject({ actor_id: 'u-ritz', inviter_id: 'u-ritz', org_id: 'org-ritz', device_id: 'test-device', time_source: 'server' });
    expect(audit!.data).toEqual({
      rule: 'CONF2',
      client: expect.objectContaining({ status: 'cancelled', message: 'second note', writeId: staleEdit.writeId, rev: seen.rev }),
      server: expect.objectContaining({ inviterId: 'u-ritz', status: 'accepted', message: 'first note', rev: accepted.rev, writeId: accepted.write_id }),
      result: expect.objectContaining({ status: 'accepted', message: 'second note' }),
    });

    const pulled = (await pullAll<ViralEventDoc>(w.ritz, 'viral_events')).documents.filter((d) => d.invitationId === inv.id);
    expect(pulled.map((d) => d.type)).toEqual(['invitation.accepted', 'sync.conflict_resolved']);
    expect(pulled[1]).toMatchObject({ id: audit!.id, actorId: 'u-ritz', inviterId: 'u-ritz', data: audit!.data, timeSource: 'server' });

    // The client adopts the master: an edit on top of it is a plain write, with no audit event.
    const followUp = { ...result.master, message: 'third note', writeId: uuidv7() };
    expect(outcomes(await w.ritz.push('invitations', [{ newDocumentState: followUp, assumedMasterState: result.master }]))).toEqual([['applied', undefined]]);
    expect(await conflicts()).toHaveLength(1);
  });
});

describe('capture time', () => {
  it('TIME1: a write counts at its capture time when plausible (timeSource device), else at the server\'s time (server): captured in the future or before the account existed', async () => {
    const threeDaysAgo = newInvitation('u-ritz', { capturedAt: at(-3 * DAY) });
    const inAnHour = newInvitation('u-ritz', { capturedAt: at(HOUR) });
    const beforeAccount = newInvitation('u-ritz', { capturedAt: at(-40 * DAY) });
    const toCouple = await w.invite({ capturedAt: at(-DAY) });
    const futureAccept = answer('invitation.accepted', toCouple.id, { capturedAt: at(HOUR) });

    const sentAt = Date.now();
    const pushed = await w.ritz.push('invitations', [threeDaysAgo, inAnHour, beforeAccount].map((inv) => ({ newDocumentState: inv })));
    expect(pushed.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['applied', 'applied', 'applied']);
    expect(outcomes(await w.send(w.couple, [futureAccept]))).toEqual([['applied', undefined]]);
    const answeredAt = Date.now();

    const docs = new Map((await pullAll<InvitationDoc>(w.ritz, 'invitations')).documents.map((d) => [d.id, d]));
    const counted = (id: string) => ({ countedAt: docs.get(id)!.countedAt, timeSource: docs.get(id)!.timeSource });
    expect(counted(threeDaysAgo.id)).toEqual({ countedAt: threeDaysAgo.capturedAt, timeSource: 'device' });
    expect(counted(toCouple.id)).toEqual({ countedAt: toCouple.capturedAt, timeSource: 'device' });
    const event = (await pullAll<ViralEventDoc>(w.couple, 'viral_events')).documents.find((d) => d.id === futureAccept.id)!;
    for (const { countedAt, timeSource } of [counted(inAnHour.id), counted(beforeAccount.id), event]) {
      expect(timeSource).toBe('server');
      expect(Date.parse(countedAt)).toBeGreaterThanOrEqual(sentAt);
      expect(Date.parse(countedAt)).toBeLessThanOrEqual(answeredAt);
    }
    expect(event.capturedAt).toBe(futureAccept.capturedAt);
  });
});

describe('malformed event pushes', () => {
  let target: InvitationInput;
  beforeAll(async () => {
    target = await w.invite();
  });
  const accept = (overrides: Partial<ClientEvent> = {}) => ({ newDocumentState: answer('invitation.accepted', target.id, overrides) });

  it.each<[string, () => unknown[]]>([
    ['an unknown type', () => [accept(), accept({ type: 'invitation.sent' as ClientEventType })]],
    ['an extra key on an event', () => [accept(), { newDocumentState: { ...answer('invitation.accepted', target.id), priority: 'P0' } }]],
    ['an extra key on a row', () => [accept(), { ...accept(), priority: 'P0' }]],
    ['a UUIDv4 id', () => [accept(), accept({ id: uuidv4() })]],
    ['no rows', () => []],
    ['501 rows', () => Array.from({ length: 501 }, () => accept())],
  ])('PUSH1: a push with %s answers 400 INVALID_INPUT and stores nothing of the batch', async (_name, rows) => {
    const events = await countRows(w.server.testDb.db, 'viral_events');
    const before = await w.invitation(target.id);
    const res = await w.couple.push('viral_events', rows());
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^rows/) });
    expect(await countRows(w.server.testDb.db, 'viral_events')).toBe(events);
    expect(await w.invitation(target.id)).toEqual(before);
  });
});

/**
 * The randomized suite's deliberately broken variants: each fault must really break what it
 * names, or a clean run of that variant would prove nothing. Each test has a server of its own
 * (faults are process-wide), and the faults are off again afterwards.
 */
describe('test-only faults', () => {
  async function withFault(fault: FaultName, body: (world: World) => Promise<void>): Promise<void> {
    const world = await openWorld({ TEST_FAULTS: fault });
    try {
      await body(world);
    } finally {
      setFaults({ enabled: new Set(), commitDelayMs: 0 });
      await world.server.close();
    }
  }

  it('PUSH2 (no-idempotency): with the fault on, a retried acceptance is stored twice', async () => {
    await withFault('no-idempotency', async (f) => {
      const inv = await f.invite();
      const accept = answer('invitation.accepted', inv.id);
      expect(outcomes(await f.send(f.couple, [accept]))).toEqual([['applied', undefined]]);
      expect(outcomes(await f.send(f.couple, [accept]))).toEqual([['applied', undefined]]);
      expect((await f.events(inv.id)).map((e) => e.type)).toEqual(['invitation.accepted', 'invitation.accepted']);
    });
  });

  it('CONF2 (no-lattice): with the fault on, an open after an acceptance moves the invitation back to opened', async () => {
    await withFault('no-lattice', async (f) => {
      const inv = await f.invite();
      expect(outcomes(await f.send(f.couple, [answer('invitation.accepted', inv.id)]))).toEqual([['applied', undefined]]);
      expect(outcomes(await f.send(f.couple, [answer('invitation.opened', inv.id)]))).toEqual([['applied', undefined]]);
      expect((await f.invitation(inv.id)).status).toBe('opened');
    });
  });
});
