/**
 * The load tool's writer, a child process: pushes over HTTP at a set rate (open loop, started
 * on schedule whether or not earlier ones answered), as the people of the run. Three pushes in
 * four are a new invitation from the next supplier to another person of the run (who has a
 * socket); the fourth is that person accepting the oldest invitation still open. Each push's
 * start and answer times come back, with whether it applied and how many socket deliveries
 * of `invitation:changed` it should cause (the inviter's room, the recipient's, the
 * organisation's when it has a coordinator).
 */
import { v7 as uuidv7 } from 'uuid';
import { CSRF_HEADER, CSRF_VALUE } from '../../shared/access';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../shared/sync/protocol';
import { newInvitation } from '../test/server';
import { answer } from './processes';

export interface Inviter {
  id: string;
  email: string;
  cookie: string;
  /** Socket deliveries each of their changes should cause. */
  expected: number;
}

export interface Recipient {
  email: string;
  cookie: string;
}

export interface PushPlan {
  urls: string[];
  inviters: Inviter[];
  recipients: Recipient[];
  rate: number;
  seconds: number;
}

export interface PushTimes {
  t0: Float64Array;
  t1: Float64Array;
  ok: Uint8Array;
  /** Deliveries the applied pushes should have caused, all together. */
  expected: number;
  errors: string[];
}

const now = () => performance.timeOrigin + performance.now();

async function post(url: string, cookie: string, collection: string, rows: unknown[]): Promise<string | null> {
  const res = await fetch(`${url}/api/sync/${collection}/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), [CSRF_HEADER]: CSRF_VALUE },
    body: JSON.stringify({ rows }),
  });
  const body = (await res.json()) as { results?: { outcome: string; error?: { code: string } }[] };
  if (res.status !== 200) return `${collection} push answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`;
  const r = body.results?.[0];
  return r?.outcome === 'applied' ? null : `${collection} push ${r?.outcome ?? 'without result'} ${r?.error?.code ?? ''}`;
}

answer({
  async run({ urls, inviters, recipients, rate, seconds }: PushPlan): Promise<PushTimes> {
    const total = Math.round(rate * seconds);
    const times = { t0: new Float64Array(total), t1: new Float64Array(total), ok: new Uint8Array(total), expected: 0, errors: [] as string[] };
    const open: { id: string; recipient: Recipient; expected: number }[] = [];
    let invited = 0;
    const one = async (i: number) => {
      const url = urls[i % urls.length]!;
      const accepting = i % 4 === 3 && open.length > 0 ? open.shift()! : null;
      let expected: number;
      let send: () => Promise<string | null>;
      if (accepting) {
        expected = accepting.expected;
        const event = { id: uuidv7(), type: 'invitation.accepted', invitationId: accepting.id, capturedAt: new Date().toISOString(), deviceId: `load-${accepting.recipient.email}` };
        send = () => post(url, accepting.recipient.cookie, 'viral_events', [{ newDocumentState: event }]);
      } else {
        const inviter = inviters[invited % inviters.length]!;
        // Someone else of the run, spread over everyone (7919 is prime).
        let pick = (invited * 7919 + 1) % recipients.length;
        if (recipients[pick]!.email === inviter.email) pick = (pick + 1) % recipients.length;
        const recipient = recipients[pick]!;
        invited++;
        const invitation = newInvitation(inviter.id, { recipientEmail: recipient.email, deviceId: `load-${inviter.id}` });
        expected = inviter.expected;
        send = async () => {
          const error = await post(url, inviter.cookie, 'invitations', [{ newDocumentState: invitation, assumedMasterState: null }]);
          if (!error) open.push({ id: invitation.id, recipient, expected });
          return error;
        };
      }
      times.t0[i] = now();
      const error = await send().catch((err: Error) => `push failed: ${err.message}`);
      times.t1[i] = now();
      if (error) {
        if (times.errors.length < 5) times.errors.push(error);
        return;
      }
      times.ok[i] = 1;
      times.expected += expected;
    };
    const started = now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = started + (i * 1000) / rate - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(one(i));
    }
    await Promise.all(inFlight);
    return times;
  },
});
