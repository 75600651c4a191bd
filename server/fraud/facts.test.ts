/**
 * The facts the fraud rules judge, read from the database (facts.ts): one platform where every
 * fact has a known value, checked field by field for a push of several new invitations (the
 * earlier ones of the push counting for the later ones) and for an acceptance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../db/db';
import { freshDb, type TestDb } from '../test/databases';
import { addUser } from '../test/fixtures';
import { insertInvitations, type NewInvitation } from '../sync/invitations';
import type { PushUser } from '../sync/gates';
import { acceptanceFactsOf, invitationFacts, recordFingerprints, type AcceptanceItem } from './facts';

const NOW = new Date('2026-06-15T12:00:00Z');
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

let testDb: TestDb;
const db = (): Queryable => testDb.db;

let n = 0;
function invitation(inviterId: string, recipientEmail: string, at: Date, deviceId = `${inviterId}-device`): NewInvitation {
  n += 1;
  const id = `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
  return {
    id,
    inviterId,
    orgId: null,
    recipientEmail,
    recipientName: 'Someone',
    recipientPhone: null,
    relationship: 'past_client',
    channel: 'email',
    status: 'queued',
    message: '',
    capturedAt: at.toISOString(),
    deviceId,
    writeId: id.replace('-7000-', '-7001-'),
    deleted: false,
    createdAt: at,
    countedAt: at,
    timeSource: 'device',
  };
}

const user: PushUser = { id: 'u-anna', email: 'anna@studio.test', name: 'Anna', role: 'supplier', orgId: null, orgName: null, createdAt: ago(10 * DAY) };

async function setReferral(id: string, by: string, at: Date): Promise<void> {
  await db().query('UPDATE users SET referred_by = $2, referred_at = $3 WHERE id = $1', [id, by, at]);
}

beforeAll(async () => {
  testDb = await freshDb();
  for (const [id, email, role] of [
    ['u-anna', 'anna@studio.test', 'supplier'],
    ['u-ben', 'ben@venue.test', 'supplier'],
    ['u-cara', 'cara@venue.test', 'supplier'],
    ['u-top', 'top@venue.test', 'supplier'],
    ['u-mid', 'mid@venue.test', 'supplier'],
    ['u-dan', 'dan@couple.test', 'couple'],
    ['u-eve', 'eve@couple.test', 'couple'],
    ['u-old', 'old@couple.test', 'couple'],
    ['u-gone', 'gone@couple.test', 'couple'],
  ] as const) {
    await addUser(db(), { id, email, role });
  }
  // Anna's chain: top referred mid, mid referred Anna.
  await setReferral('u-mid', 'u-top', ago(60 * DAY));
  await setReferral('u-anna', 'u-mid', ago(30 * DAY));
  // Anna referred two people over 14 days ago; old came back and invited someone, gone never did.
  await setReferral('u-old', 'u-anna', ago(40 * DAY));
  await setReferral('u-gone', 'u-anna', ago(40 * DAY));
  await setReferral('u-eve', 'u-anna', ago(2 * DAY));
  await insertInvitations(db(), [
    invitation('u-old', 'friend@couple.test', ago(20 * DAY)),
    // shared@… was invited by Ben and Cara; Dan invited Anna once.
    invitation('u-ben', 'shared@couple.test', ago(5 * DAY)),
    invitation('u-cara', 'shared@couple.test', ago(4 * DAY)),
    invitation('u-dan', 'anna@studio.test', ago(3 * DAY)),
    // The kiosk tablet: Ben used it twice lately, Cara once long ago (outside the device window).
    invitation('u-ben', 'one@couple.test', ago(2 * DAY), 'kiosk'),
    invitation('u-ben', 'two@couple.test', ago(1 * DAY), 'kiosk'),
    invitation('u-cara', 'three@couple.test', ago(45 * DAY), 'kiosk'),
    // Anna's own recent sends: two to bulk.test within the day, one 20 s and one 2 h before now.
    invitation('u-anna', 'a1@bulk.test', ago(20_000)),
    invitation('u-anna', 'a2@bulk.test', ago(2 * 3_600_000)),
  ]);
  // Eve and Anna share a device fingerprint; Dan and Anna a payment card.
  await recordFingerprints(db(), 'u-anna', 'invite', [{ kind: 'device', value: 'anna-phone' }, { kind: 'payment', value: 'card-1' }], ago(DAY));
  await recordFingerprints(db(), 'u-eve', 'accept', [{ kind: 'device', value: 'anna-phone' }], ago(DAY));
  await recordFingerprints(db(), 'u-dan', 'accept', [{ kind: 'payment', value: 'card-1' }], ago(DAY));
  // Two others accepted lately from the farm phone; one long ago (outside the window).
  await recordFingerprints(db(), 'u-ben', 'accept', [{ kind: 'device', value: 'farm-phone' }], ago(DAY));
  await recordFingerprints(db(), 'u-cara', 'accept', [{ kind: 'device', value: 'farm-phone' }], ago(2 * DAY));
  await recordFingerprints(db(), 'u-old', 'accept', [{ kind: 'device', value: 'farm-phone' }], ago(45 * DAY));
});
afterAll(() => testDb?.drop());

describe('invitation facts', () => {
  it('reads every fact of a push, counting the push’s earlier invitations for its later ones', async () => {
    const creates = [
      invitation('u-anna', 'shared@couple.test', ago(10_000), 'kiosk'),
      invitation('u-anna', 'top@venue.test', ago(5_000), 'kiosk'),
      invitation('u-anna', 'dan@couple.test', ago(4_000)),
      invitation('u-anna', 'eve@couple.test', ago(3_000)),
      invitation('u-anna', 'anna+wedding@studio.test', ago(2_000)),
      invitation('u-anna', 'a3@bulk.test', ago(1_000)),
    ];
    const facts = await invitationFacts(db(), user, creates, NOW);
    const pick = (i: number) => {
      const f = facts[i]!;
      return [f.recipientInviters, f.deviceInvitations, f.deviceAccounts, f.domainInvitations, f.burst, f.gapSeconds, f.selfReferral, f.closesLoop, f.reciprocal];
    };
    //                         inviters dev-inv dev-acc domain burst gap  self               loop   reciprocal
    expect(pick(0)).toEqual([3, 3, 2, 1, 2, 10, null, false, false]);
    expect(pick(1)).toEqual([1, 4, 2, 1, 3, 5, null, true, false]);
    // A shared payment card counts as a shared device for an invitation (the rules know two kinds).
    expect(pick(2)).toEqual([1, 3, 1, 2, 4, 1, 'shared_device', false, true]);
    expect(pick(3)).toEqual([1, 4, 1, 3, 5, 1, 'shared_device', false, false]);
    expect(pick(4)).toEqual([1, 5, 1, 1, 6, 1, 'same_mailbox', false, false]);
    expect(pick(5)).toEqual([1, 6, 1, 3, 7, 1, null, false, false]);
    for (const f of facts) {
      expect(f.followUp).toEqual({ accepted: 2, inactive: 1 });
      expect(f.inviterAccountDays).toBe(10);
      expect(f.inviterRole).toBe('supplier');
    }
    expect(facts.map((f) => f.recipientDomain)).toEqual(['couple.test', 'venue.test', 'couple.test', 'couple.test', 'studio.test', 'bulk.test']);
  });

  it('a first invitation of a new inviter on a new device has no history', async () => {
    const fresh: PushUser = { ...user, id: 'u-gone', email: 'gone@couple.test', role: 'couple', createdAt: NOW };
    const [f] = await invitationFacts(db(), fresh, [invitation('u-gone', 'nobody@else.test', NOW, 'brand-new')], NOW);
    expect(f).toMatchObject({ recipientInviters: 1, deviceInvitations: 1, deviceAccounts: 1, domainInvitations: 1, burst: 1, gapSeconds: null, selfReferral: null, closesLoop: false, reciprocal: false, followUp: { accepted: 0, inactive: 0 }, inviterRole: 'couple' });
    expect(await invitationFacts(db(), fresh, [], NOW)).toEqual([]);
  });
});

describe('acceptance facts', () => {
  const invitedAt = ago(30_000);
  const acceptanceFacts = async (inv: AcceptanceItem['inv'], acceptor: AcceptanceItem['acceptor'], signals: AcceptanceItem['signals']) =>
    (await acceptanceFactsOf(db(), [{ inv, acceptor, signals }], NOW))[0]!;
  it('a payment card shared with the inviter, a farm device, the time to accept and the inviter’s follow-up', async () => {
    const f = await acceptanceFacts({ inviterId: 'u-anna', createdAt: invitedAt }, { id: 'u-dan', email: 'dan@couple.test' }, { deviceId: 'farm-phone', network: null });
    expect(f).toEqual({
      acceptorEmail: 'dan@couple.test',
      disposableDomain: false,
      selfReferral: 'shared_payment',
      closesLoop: false,
      acceptorsOnDevice: 2,
      secondsToAccept: 30,
      followUp: { accepted: 2, inactive: 1 },
    });
  });

  it('a shared device, the inviter’s own mailbox, and a loop up the chain', async () => {
    const invite = { inviterId: 'u-anna', createdAt: invitedAt };
    expect((await acceptanceFacts(invite, { id: 'u-eve', email: 'eve@couple.test' }, {})).selfReferral).toBe('shared_device');
    expect((await acceptanceFacts(invite, { id: 'u-x', email: 'Anna+2@studio.test' }, {})).selfReferral).toBe('same_mailbox');
    const loop = await acceptanceFacts(invite, { id: 'u-top', email: 'top@venue.test' }, { deviceId: 'unseen' });
    expect([loop.closesLoop, loop.selfReferral, loop.acceptorsOnDevice]).toEqual([true, null, 0]);
    const throwaway = await acceptanceFacts({ inviterId: 'u-ben', createdAt: invitedAt }, { id: 'u-y', email: 'y@mailinator.com' }, {});
    expect([throwaway.disposableDomain, throwaway.followUp]).toEqual([true, { accepted: 0, inactive: 0 }]);
  });
});
