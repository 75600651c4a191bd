import { describe, expect, it } from 'vitest';
import { clientEventTypes, serverEventTypes } from '../events';
import { findSchema, publishedSchemas, toJsonSchema } from './catalog';
import { cloudEventSchema, toCloudEvent, type RecordedEvent } from './cloudEvents';
import { capChain, protectDays, protectSegment } from './exports';
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
