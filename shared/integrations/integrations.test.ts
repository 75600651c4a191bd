import { describe, expect, it } from 'vitest';
import { clientEventTypes, serverEventTypes } from '../events';
import { findSchema, publishedSchemas, toJsonSchema } from './catalog';
import { cloudEventSchema, toCloudEvent, type RecordedEvent } from './cloudEvents';
import { createRng } from '../random';
import { capChain, exportEventData, exportedEventData, protectDays, protectSegment, scrubContacts } from './exports';
import { NewEndpoint, publishedEventTypes, retryDelayMs, RETRY_SCHEDULE_MS, webhookTopicOf } from './webhooks';

const event = (over: Partial<RecordedEvent> = {}): RecordedEvent => ({
  id: '0190a5a0-0000-7000-8000-000000000001',
  type: 'invitation.accepted',
  actorId: 'u-bride',
  invitationId: '0190a5a0-0000-7000-8000-0000000000aa',
  inviterId: 'u-star',
  orgId: 'org-star',
  data: {},
  capturedAt: new Date('2026-06-01T10:00:00Z'),
  createdAt: new Date('2026-06-01T10:00:01Z'),
  ...over,
});

describe('the retry schedule', () => {
  it('is the published one: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then given up', () => {
    expect(RETRY_SCHEDULE_MS).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n))).toEqual([...RETRY_SCHEDULE_MS.slice(1), null]);
    expect(retryDelayMs(2, [0, 10, 20])).toBe(20);
    expect(() => retryDelayMs(0)).toThrow(RangeError);
  });
});

describe('topics', () => {
  it('segment joins and leaves are one topic; client events other than acceptances are not published', () => {
    expect(webhookTopicOf('segment.joined')).toBe('segment.membership_changed');
    expect(webhookTopicOf('segment.left')).toBe('segment.membership_changed');
    expect(webhookTopicOf('invitation.opened')).toBeNull();
    expect(webhookTopicOf('webhook.endpoint_disabled')).toBeNull();
    expect(publishedEventTypes.sort()).toEqual(
      ['connector.tier_changed', 'experiment.winner', 'invitation.accepted', 'invitation.sent', 'referral.attributed', 'segment.joined', 'segment.left'].sort(),
    );
    expect([...clientEventTypes, ...serverEventTypes]).toEqual(expect.arrayContaining(publishedEventTypes));
  });

  it('an endpoint picks known topics, once each, and an http(s) URL', () => {
    expect(NewEndpoint.parse({ url: 'https://x.example/h', eventTypes: ['invitation.sent', 'invitation.sent'] })).toEqual({
      url: 'https://x.example/h', description: '', eventTypes: ['invitation.sent'], segmentIds: null,
    });
    expect(NewEndpoint.safeParse({ url: 'javascript:alert(1)', eventTypes: ['invitation.sent'] }).success).toBe(false);
  });
});

describe('CloudEvents', () => {
  it('a recorded event becomes the same CloudEvent every time, valid for its topic', () => {
    const ce = toCloudEvent(event())!;
    expect(toCloudEvent(event())).toEqual(ce);
    expect(cloudEventSchema('invitation.accepted').parse(ce)).toEqual(ce);
    expect(ce).toMatchObject({ specversion: '1.0', id: event().id, time: '2026-06-01T10:00:00.000Z', subject: event().invitationId, data: { recordedAt: '2026-06-01T10:00:01.000Z' } });
  });

  it('a segment change names the person, the segment and the change', () => {
    const ce = toCloudEvent(event({ type: 'segment.left', invitationId: null, data: { segmentId: 'dormant-inviters', segmentName: 'Dormant Inviters' } }))!;
    expect(ce).toMatchObject({ type: 'segment.membership_changed', subject: 'dormant-inviters', data: { userId: 'u-bride', change: 'left' } });
    expect(cloudEventSchema('segment.membership_changed').safeParse(ce).success).toBe(true);
    expect(toCloudEvent(event({ type: 'invitation.opened' }))).toBeNull();
  });
});

describe('published schemas', () => {
  it('describe every data field of experiment.winner and invitation.accepted, and accept what the server records', () => {
    for (const [name, fields] of [
      ['experiment.winner', ['channel', 'variant', 'threshold', 'chanceToBeatControl', 'rate', 'controlRate', 'sends', 'acceptances']],
      ['invitation.accepted', ['via', 'invitationId', 'actorId', 'inviterId', 'orgId', 'recordedAt']],
    ] as const) {
      const doc = toJsonSchema(findSchema(name)!) as { properties: { data: { description?: string; properties: Record<string, { description?: string }> } } };
      const data = doc.properties.data;
      expect(data.description, name).toBeTruthy();
      for (const f of fields) expect(data.properties[f]?.description, `${name}.data.${f}`).toMatch(/\w{3}/);
      for (const [f, p] of Object.entries(data.properties)) expect(p.description, `${name}.data.${f}`).toBeTruthy();
    }
    // The data recordWinner writes (server/experiments/results.ts), as a CloudEvent.
    const winner = toCloudEvent(event({
      type: 'experiment.winner', actorId: null, invitationId: null, inviterId: null, orgId: null,
      data: { channel: 'sms', variant: 'variant_a', chanceToBeatControl: 0.97, threshold: 0.95, rate: 0.21, controlRate: 0.11, sends: 60, acceptances: 12 },
    }))!;
    expect(cloudEventSchema('experiment.winner').safeParse(winner).success).toBe(true);
    expect(cloudEventSchema('experiment.winner').safeParse({ ...winner, data: { ...winner.data, channel: 'fax' } }).success).toBe(false);
    expect(cloudEventSchema('experiment.winner').safeParse({ ...winner, data: { ...winner.data, chanceToBeatControl: null, rate: null, sends: null } }).success).toBe(true);
    const accepted = toCloudEvent(event({ data: { via: 'short_code' } }))!;
    expect(cloudEventSchema('invitation.accepted').safeParse(accepted).success).toBe(true);
    expect(cloudEventSchema('invitation.accepted').safeParse({ ...accepted, data: { ...accepted.data, via: 'carrier pigeon' } }).success).toBe(false);
  });

  it('resolve by name (latest) or pinned version, and carry their id', () => {
    expect(findSchema('invitation.sent')).toBe(findSchema('invitation.sent.v1'));
    expect(findSchema('invitation.sent.v9')).toBeUndefined();
    expect(new Set(publishedSchemas.map((s) => s.name)).size).toBe(publishedSchemas.length);
    for (const s of publishedSchemas) expect(toJsonSchema(s)).toMatchObject({ $id: `urn:plusone:schema:${s.name}:v1`, type: 'object' });
  });
});

describe('export privacy', () => {
  it('a day under 5 inviters is hidden with the smallest other day, so it cannot be derived', () => {
    const rows = protectDays([
      { day: '2026-01-01', inviters: 9, invited: 20, accepted: 9 },
      { day: '2026-01-02', inviters: 2, invited: 3, accepted: 1 },
      { day: '2026-01-03', inviters: 6, invited: 8, accepted: 3 },
    ]);
    expect(rows.map((r) => r.suppressed)).toEqual([false, true, true]);
    expect(rows[0]).toEqual({ day: '2026-01-01', inviters: 9, invited: 20, accepted: 9, k: 1, suppressed: false });
    expect(rows[1]).toMatchObject({ inviters: null, invited: null, accepted: null, k: null });
  });

  it('segment counts under 5 are hidden one by one', () => {
    expect(protectSegment({ id: 's', name: 'S', builtIn: false, members: 12, joined: 3, left: 0, changedAt: null })).toMatchObject({
      members: 12, joinedLast30Days: null, leftLast30Days: null, suppressed: false,
    });
    expect(protectSegment({ id: 's', name: 'S', builtIn: false, members: 4, joined: 4, left: 0, changedAt: null }).suppressed).toBe(true);
  });

  it('a chain shows 3 referrers at most', () => {
    expect(capChain('u', null, ['a', 'b', 'c', 'd'])).toEqual({ userId: 'u', referredAt: null, depth: 3, referrer1: 'a', referrer2: 'b', referrer3: 'c', deeper: true });
    expect(capChain('u', null, ['a'])).toMatchObject({ depth: 1, referrer2: null, deeper: false });
    expect(() => capChain('u', null, [])).toThrow(RangeError);
  });
});

describe('exported events carry no contact details', () => {
  const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
  const rng = createRng(seed);

  it('an SMTP or provider reason keeps its words and codes, loses the address and the number', () => {
    expect(scrubContacts('550 5.1.1 <bob.smith@guests.example>: Recipient address rejected')).toBe('550 5.1.1 <[email]>: Recipient address rejected');
    expect(scrubContacts("The 'To' number +447911123456 is not a valid phone number. (21211)")).toBe("The 'To' number [phone] is not a valid phone number. (21211)");
    expect(scrubContacts('call +44 (0)7911 123-456 or 07911 123456 before 2026-06-01')).toBe('call [phone] or [phone] before 2026-06-01');
    expect(scrubContacts('421 4.7.0 Try again later')).toBe('421 4.7.0 Try again later');
  });

  it('property: no address or number survives, whatever text is around it', () => {
    const words = ['mailbox', 'full', '550', '5.1.1', 'rejected:', '<', '>', '(', ')', 'to', 'user', ';', 'x'];
    const word = () => rng.pick(words);
    const digits = (n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('');
    for (let i = 0; i < 2000; i++) {
      const email = `${rng.pick(['bob', 'a.b+c', 'x_y'])}${rng.int(0, 99)}@${rng.pick(['guests.example', 'mail.co.uk', 'localhost'])}`;
      const phone = rng.pick([`+44${digits(10)}`, `+1 ${digits(3)}-${digits(3)}-${digits(4)}`, `0${digits(4)} ${digits(6)}`, `(${digits(3)}) ${digits(3)}-${digits(4)}`]);
      const text = [word(), email, word(), word(), phone, word()].join(rng.pick([' ', ' ', ': ']));
      const out = scrubContacts(text);
      expect(out, `seed ${seed}: ${text}`).not.toContain('@');
      expect(out, `seed ${seed}: ${text}`).not.toContain(phone);
      expect(out.replace(/\D/g, ''), `seed ${seed}: ${text} → ${out}`).not.toContain(phone.replace(/\D/g, ''));
      expect(out.match(/\[phone\]/g), `seed ${seed}: ${text} → ${out}`).toHaveLength(1);
    }
  });

  it('only the keys an event type allows leave, free text scrubbed; unknown types export no data', () => {
    const failed = exportEventData('invitation.delivery_failed', {
      channel: 'email', deliveryId: 'd1', attempts: 3, reason: '550 no such user bob@guests.example', recipient: 'bob@guests.example', extra: { to: 'bob' },
    });
    expect(failed).toEqual({ channel: 'email', deliveryId: 'd1', attempts: 3, reason: '550 no such user [email]' });
    const conflict = exportEventData('sync.conflict_resolved', { rule: 'status-lattice', client: { recipientEmail: 'ann@guests.example' }, server: {} });
    expect(conflict).toEqual({ rule: 'status-lattice' });
    expect(exportEventData('something.new', { anything: 'x' })).toEqual({});
    expect(exportEventData('invitation.sent', { channel: { nested: true }, variant: 'control' })).toEqual({ variant: 'control' });
    // Every recorded type is a decision in the list.
    expect(Object.keys(exportedEventData).sort()).toEqual([...clientEventTypes, ...serverEventTypes].sort());
  });
});
