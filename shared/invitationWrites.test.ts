import { describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { canTransition, invitationStatuses, type InvitationInput } from './invitation';
import { contentFields, judgeCreate, judgeUpdate, type ServerInvitation, type WriteDecision } from './invitationWrites';
import { createRng } from './random';

const ME = 'u-me';
const W_SERVER = uuidv7();
const ID = uuidv7();

function serverRow(overrides: Partial<ServerInvitation> = {}): ServerInvitation {
  return {
    inviterId: ME,
    rev: 10,
    writeId: W_SERVER,
    recipientEmail: 'ann@example.com',
    recipientName: 'Ann',
    relationship: 'past_client',
    channel: 'email',
    status: 'sent',
    message: 'old note',
    capturedAt: '2026-01-02T09:00:00.000Z',
    deviceId: 'tablet-1',
    recipientPhone: null,
    ...overrides,
  };
}

/** The client's write on top of a server row (a new writeId, as every write has). */
function edit(server: ServerInvitation, overrides: Partial<InvitationInput> = {}): InvitationInput {
  const { rev: _rev, ...fields } = server;
  return { ...fields, id: ID, writeId: uuidv7(), variant: 'control', inviteCode: null, shortCode: null, ...overrides };
}

const current = (s: ServerInvitation) => ({ rev: s.rev, writeId: s.writeId });
const stale = { rev: 7, writeId: uuidv7() };

function next(decision: WriteDecision) {
  if (decision.kind !== 'apply' && decision.kind !== 'conflict') throw new Error(`expected a write, got ${JSON.stringify(decision)}`);
  return decision.next;
}

describe('creating an invitation', () => {
  it('an own queued invitation is applied, its capturedAt normalised to UTC', () => {
    const incoming = edit(serverRow({ status: 'queued', capturedAt: '2026-01-02T10:00:00+01:00' }));
    expect(next(judgeCreate(ME, incoming))).toMatchObject({ status: 'queued', capturedAt: '2026-01-02T09:00:00.000Z' });
  });

  it('an invitation in someone else\'s name, or not starting as queued, is refused', () => {
    expect(judgeCreate(ME, edit(serverRow({ status: 'queued', inviterId: 'u-other' })))).toMatchObject({ kind: 'refuse', code: 'FORBIDDEN' });
    expect(judgeCreate(ME, edit(serverRow({ status: 'accepted' })))).toMatchObject({ kind: 'refuse', code: 'INVALID_INPUT' });
  });
});

describe('updating an invitation the client saw current', () => {
  it('a retried write (same writeId) is a duplicate, whatever state it assumed', () => {
    const server = serverRow();
    const retried = edit(server, { writeId: W_SERVER, message: 'changed' });
    expect(judgeUpdate(ME, server, retried, stale)).toEqual({ kind: 'duplicate' });
    expect(judgeUpdate(ME, server, retried, null)).toEqual({ kind: 'duplicate' });
  });

  it('is applied when the assumed rev matches, or the assumed writeId matches', () => {
    const server = serverRow();
    const incoming = edit(server, { message: 'new note', recipientName: 'Ann Lee' });
    for (const assumed of [{ rev: 10, writeId: uuidv7() }, { writeId: W_SERVER }, { rev: 3, writeId: W_SERVER }]) {
      const decision = judgeUpdate(ME, server, incoming, assumed);
      expect(decision.kind).toBe('apply');
      expect(next(decision)).toMatchObject({ message: 'new note', recipientName: 'Ann Lee', status: 'sent' });
    }
  });

  it('someone else\'s invitation is refused, even when claimed in the write', () => {
    const theirs = serverRow({ inviterId: 'u-other' });
    expect(judgeUpdate(ME, theirs, edit(theirs), current(theirs))).toMatchObject({ kind: 'refuse', code: 'FORBIDDEN' });
    expect(judgeUpdate(ME, theirs, edit(theirs, { inviterId: ME }), current(theirs))).toMatchObject({ kind: 'refuse', code: 'FORBIDDEN' });
    const mine = serverRow();
    expect(judgeUpdate(ME, mine, edit(mine, { inviterId: 'u-other' }), current(mine))).toMatchObject({ kind: 'refuse', code: 'FORBIDDEN' });
  });

  it('a backward status is refused; a cancel before acceptance is applied', () => {
    const server = serverRow({ status: 'delivered' });
    expect(judgeUpdate(ME, server, edit(server, { status: 'sent' }), current(server))).toMatchObject({ kind: 'refuse', code: 'INVALID_INPUT' });
    expect(next(judgeUpdate(ME, server, edit(server, { status: 'cancelled' }), current(server))).status).toBe('cancelled');
    const accepted = serverRow({ status: 'accepted' });
    expect(judgeUpdate(ME, accepted, edit(accepted, { status: 'cancelled' }), current(accepted))).toMatchObject({ kind: 'refuse' });
  });

  it('the recipient email may change while queued, not once the invitation left the queue', () => {
    const queued = serverRow({ status: 'queued' });
    expect(next(judgeUpdate(ME, queued, edit(queued, { recipientEmail: 'bea@example.com' }), current(queued))).recipientEmail).toBe('bea@example.com');
    const sent = serverRow({ status: 'sent' });
    const refused = judgeUpdate(ME, sent, edit(sent, { recipientEmail: 'bea@example.com' }), current(sent));
    expect(refused).toMatchObject({ kind: 'refuse', code: 'INVALID_INPUT' });
    expect(refused.kind === 'refuse' && refused.message).toMatch(/recipientEmail/);
  });

  it('capturedAt written in another offset is the same instant, not a change', () => {
    const sent = serverRow({ status: 'sent', capturedAt: '2026-01-02T09:00:00.000Z' });
    const incoming = edit(sent, { capturedAt: '2026-01-02T10:00:00+01:00', message: 'see you' });
    expect(judgeUpdate(ME, sent, incoming, current(sent)).kind).toBe('apply');
    expect(judgeUpdate(ME, sent, edit(sent, { capturedAt: '2026-01-02T09:00:01Z' }), current(sent)).kind).toBe('refuse');
  });
});

describe('conflicts: the client edited a state the server moved past', () => {
  it('CONF2: an acceptance is never lost to a stale edit, while its free text is kept', () => {
    const accepted = serverRow({ status: 'accepted', rev: 12 });
    for (const status of ['sent', 'opened', 'cancelled'] as const) {
      const decision = judgeUpdate(ME, accepted, edit(accepted, { status, message: 'new note' }), stale);
      expect(decision).toMatchObject({ kind: 'conflict', rule: 'CONF2' });
      expect(next(decision)).toMatchObject({ status: 'accepted', message: 'new note' });
    }
  });

  it('a cancel wins over a server that moved on but had not been accepted', () => {
    const opened = serverRow({ status: 'opened', rev: 12 });
    expect(next(judgeUpdate(ME, opened, edit(opened, { status: 'cancelled' }), stale)).status).toBe('cancelled');
  });

  it('CONF1/CONF3: free text takes the incoming write, status the furthest point, fixed fields the server\'s', () => {
    const delivered = serverRow({ status: 'delivered', rev: 12, message: 'server note' });
    const incoming = edit(delivered, { status: 'sent', message: 'client note', recipientName: 'Ann B', recipientEmail: 'other@example.com', channel: 'sms' });
    const decision = judgeUpdate(ME, delivered, incoming, stale);
    expect(decision).toMatchObject({ kind: 'conflict', rule: 'CONF1' });
    expect(next(decision)).toEqual({
      recipientEmail: 'ann@example.com',
      recipientName: 'Ann B',
      relationship: 'past_client',
      channel: 'email',
      status: 'delivered',
      message: 'client note',
      capturedAt: '2026-01-02T09:00:00.000Z',
      deviceId: 'tablet-1',
      recipientPhone: null,
    });
  });

  it('an SMS or WhatsApp invitation without a phone number is refused with the reason, on creation and on an edit', () => {
    const fresh = edit(serverRow(), { status: 'queued', channel: 'sms' });
    expect(judgeCreate(ME, fresh)).toEqual({ kind: 'refuse', code: 'INVALID_INPUT', message: "an invitation by SMS needs the recipient's phone number" });
    expect(judgeCreate(ME, { ...fresh, recipientPhone: '+447911123456' })).toMatchObject({ kind: 'apply', next: { recipientPhone: '+447911123456' } });
    const queued = serverRow({ status: 'queued' });
    expect(judgeUpdate(ME, queued, edit(queued, { channel: 'whatsapp' }), current(queued))).toMatchObject({ kind: 'refuse', message: expect.stringContaining('WhatsApp') });
    // Once sent, the phone is fixed like the email.
    const sent = serverRow({ status: 'sent', channel: 'sms', recipientPhone: '+447911123456' });
    expect(judgeUpdate(ME, sent, edit(sent, { recipientPhone: '+447911654321' }), current(sent))).toMatchObject({ kind: 'refuse', message: 'recipientPhone cannot change once the invitation was sent' });
  });

  it('a write that assumed no state for an existing invitation is merged as a conflict', () => {
    const server = serverRow({ status: 'opened' });
    expect(judgeUpdate(ME, server, edit(server, { message: 'x' }), null)).toMatchObject({ kind: 'conflict', rule: 'CONF3' });
  });
});

describe('invariants over random writes', () => {
  const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);

  it('no outcome moves status backward, loses an acceptance, or changes fixed fields after the queue', () => {
    const rng = createRng(seed);
    const emails = ['ann@example.com', 'bea@example.com'];
    const times = ['2026-01-02T09:00:00.000Z', '2026-01-02T10:00:00+01:00', '2026-01-03T09:00:00Z'];
    for (let run = 0; run < 3000; run++) {
      const server = serverRow({ status: rng.pick(invitationStatuses), recipientEmail: rng.pick(emails), capturedAt: rng.pick(times), rev: 10 });
      const incoming = edit(server, {
        status: rng.pick(invitationStatuses),
        recipientEmail: rng.pick(emails),
        capturedAt: rng.pick(times),
        message: rng.pick(['a', 'b']),
        writeId: rng.chance(0.1) ? W_SERVER : uuidv7(),
      });
      const assumed = rng.pick([null, stale, current(server), { writeId: W_SERVER }]);
      const decision = judgeUpdate(ME, server, incoming, assumed);
      const where = `run ${run}, rerun with SEED=${seed}: ${JSON.stringify({ server, incoming, assumed, decision })}`;
      expect(decision.kind === 'duplicate', where).toBe(incoming.writeId === W_SERVER);
      if (decision.kind !== 'apply' && decision.kind !== 'conflict') continue;
      expect(canTransition(server.status, decision.next.status), where).toBe(true);
      if (server.status === 'accepted') expect(decision.next.status, where).toBe('accepted');
      if (server.status !== 'queued') {
        expect(decision.next.recipientEmail, where).toBe(server.recipientEmail);
        expect(Date.parse(decision.next.capturedAt), where).toBe(Date.parse(server.capturedAt));
      }
      expect(Object.keys(decision.next).sort(), where).toEqual([...contentFields].sort());
    }
  });
});
