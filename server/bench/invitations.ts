/**
 * Invitation-sized documents for the benchmarks: the fields of shared/invitation.ts
 * `InvitationDoc`, with realistic lengths (names, an email, a short personal message), made
 * deterministically from a seed so every run and every side of a comparison gets the same bytes.
 * A PouchDB document also carries `_id` (the invitation id).
 */
import { v7 as uuidv7 } from 'uuid';
import { channels, relationships, type InvitationDoc } from '../../shared/invitation';
import { createRng, type Rng } from '../../shared/random';

export type BenchInvitation = InvitationDoc & { _id: string };

const FIRST = ['Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Leo', 'Grace', 'Arthur', 'Freya', 'Oscar'];
const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Patel', 'Wright', 'Walker', 'Evans', 'Khan', 'Hughes'];
const STATUSES = ['queued', 'sent', 'delivered', 'opened', 'accepted', 'declined'] as const;
const MESSAGES = [
  'It was a joy working on your day. PlusOne makes planning the next one easy, come and see!',
  'We loved your wedding! Join me on PlusOne, it is where I keep my favourite suppliers.',
  'Hello! I use PlusOne for all my bookings now and thought you would like it too.',
  '',
];

function randomBytes(rng: Rng): Uint8Array {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = rng.int(0, 255);
  return bytes;
}

/** `count` invitations, ids time-ordered from `startMs`, the same for the same seed. */
export function benchInvitations(count: number, seed: number, startMs = Date.UTC(2025, 0, 1)): BenchInvitation[] {
  const rng = createRng(seed);
  const out: BenchInvitation[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(startMs + i * 60_000);
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const inviter = rng.int(1, 400);
    const id = uuidv7({ msecs: at.getTime(), random: randomBytes(rng) });
    const iso = at.toISOString();
    out.push({
      _id: id,
      id,
      inviterId: `u-supplier-${inviter}`,
      orgId: `org-${inviter % 97}`,
      recipientEmail: `${first}.${last}.${seed}.${i}@guests.example`.toLowerCase(),
      recipientPhone: null,
      variant: 'control',
      inviteCode: null,
      shortCode: null,
      recipientName: `${first} ${last}`,
      relationship: rng.pick(relationships),
      channel: rng.pick(channels),
      status: rng.pick(STATUSES),
      message: rng.pick(MESSAGES),
      capturedAt: iso,
      deviceId: `device-${inviter}-${rng.int(1, 3)}`,
      writeId: uuidv7({ msecs: at.getTime(), random: randomBytes(rng) }),
      rev: 1,
      createdAt: iso,
      updatedAt: iso,
      countedAt: iso,
      timeSource: 'device',
      syncState: 'synced',
      _deleted: false,
    });
  }
  return out;
}
