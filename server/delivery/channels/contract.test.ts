/**
 * One contract, one suite (STYLE §4): every channel adapter passes the same tests, each against
 * its local provider peer (server/test/providers). Rule ids are those of channel.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpPeer } from '../../test/providers/smtp';
import { startTwilioPeer } from '../../test/providers/twilio';
import { startWhatsAppPeer, type WhatsAppPeer } from '../../test/providers/whatsapp';
import type { ChannelAdapter, OutgoingMessage } from './channel';
import { emailAdapter } from './email';
import { twilioAdapter } from './twilio';
import { whatsappAdapter } from './whatsapp';

interface Received {
  to: string;
  text: string;
}

/** An adapter wired to its peer, and the handles the suite needs on that peer. */
interface Harness {
  adapter: ChannelAdapter;
  /** Another adapter on the same peer (C5 closes it). */
  fresh(): ChannelAdapter;
  /** Connections open to the peer now. */
  openConnections(): number;
  /** An adapter pointed at a port where nothing listens. */
  unreachable: ChannelAdapter;
  good: string;
  received(): Received[];
  duplicates(): number;
  /** The provider will refuse this recipient for good. */
  refuse(to: string): void;
  /** The provider answers "try later" to the next send. */
  troubleNext(): void;
  close(): Promise<void>;
}

const closedPort = 'http://127.0.0.1:9';

const channels: Record<string, () => Promise<Harness>> = {
  email: async () => {
    const peer = await startSmtpPeer();
    const make = (url: string) => emailAdapter({ smtpUrl: url, from: 'PlusOne <test@plusone.local>' });
    return {
      adapter: make(peer.url),
      fresh: () => make(peer.url),
      openConnections: () => peer.openConnections(),
      unreachable: make('smtp://127.0.0.1:9?tls=off'),
      good: 'guest@example.com',
      received: () => peer.messages.map((m) => ({ to: m.to[0]!, text: m.raw.replace(/=\r?\n/g, '') })),
      duplicates: () => peer.duplicates,
      refuse: (to) => peer.reject(to),
      troubleNext: () => peer.failNext(1, 451),
      close: () => peer.close(),
    };
  },
  sms: async () => {
    const peer = await startTwilioPeer({ autoStatus: false });
    const make = (url: string) => twilioAdapter({ apiUrl: url, accountSid: peer.accountSid, authToken: peer.authToken, from: peer.from });
    return {
      adapter: make(peer.url),
      fresh: () => make(peer.url),
      openConnections: () => peer.openConnections(),
      unreachable: make(closedPort),
      good: '+447911123456',
      received: () => peer.messages.map((m) => ({ to: m.to, text: m.body })),
      duplicates: () => peer.duplicates,
      refuse: (to) => peer.rejectNumber(to, 21614),
      troubleNext: () => peer.failNext(1, { status: 429, code: 20429, message: 'Too Many Requests' }),
      close: () => peer.close(),
    };
  },
  whatsapp: async () => {
    const peer = await startWhatsAppPeer({ autoStatus: false });
    const make = (url: string) => whatsappAdapter({ apiUrl: url, phoneNumberId: peer.phoneNumberId, token: peer.token });
    return {
      adapter: make(peer.url),
      fresh: () => make(peer.url),
      openConnections: () => peer.openConnections(),
      unreachable: make(`${closedPort}/v21.0`),
      good: '+447911123456',
      received: () => peer.messages.map((m) => ({ to: `+${m.to}`, text: m.body })),
      duplicates: () => peer.duplicates,
      refuse: (to) => peer.rejectNumber(to, 131030),
      troubleNext: () => peer.failNext(1, { status: 400, code: 130429, message: 'Rate limit hit' }),
      close: () => peer.close(),
    };
  },
};

const message = (to: string, over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  deliveryId: randomUUID(),
  to,
  subject: 'Rita invites you to PlusOne',
  body: 'Accept your invitation: https://plusone.example/i/AbCdEfGhIjKlMnOpQrStUv',
  unsubscribeUrl: 'https://plusone.example/unsubscribe/tok-123',
  statusCallbackUrl: 'https://plusone.example/hooks/twilio/status/x',
  ...over,
});

describe.each(Object.keys(channels))('channel adapter contract: %s', (name) => {
  let h: Harness;
  beforeAll(async () => {
    h = await channels[name]!();
  });
  afterAll(async () => {
    await h.adapter.close();
    await h.unreachable.close();
    await h.close();
  });

  it('C1+C4: a send reaches the provider with the link and the unsubscribe link, and returns its message id', async () => {
    const result = await h.adapter.send(message(h.good));
    expect(result).toMatchObject({ ok: true, providerId: expect.any(String) });
    const got = h.received().at(-1)!;
    expect(got.to).toBe(h.good);
    expect(got.text).toContain('https://plusone.example/i/AbCdEfGhIjKlMnOpQrStUv');
    expect(got.text).toContain('https://plusone.example/unsubscribe/tok-123');
  });

  it('C2: the same delivery sent twice is one message at the provider (idempotency key)', async () => {
    const before = h.received().length;
    const m = message(h.good);
    const [a, b] = [await h.adapter.send(m), await h.adapter.send(m)];
    expect(a.ok && b.ok).toBe(true);
    expect(h.received().length - before).toBe(1);
    expect(h.duplicates()).toBeGreaterThanOrEqual(1);
  });

  it('C3: a recipient the provider will never reach is a failure not worth retrying', async () => {
    const bad = name === 'email' ? 'nobody@example.com' : '+15005550001';
    h.refuse(bad);
    const result = await h.adapter.send(message(bad));
    expect(result).toMatchObject({ ok: false, retryable: false, reason: expect.any(String) });
  });

  it('C3: a provider that asks to try later, or cannot be reached, is a failure worth retrying', async () => {
    h.troubleNext();
    expect(await h.adapter.send(message(h.good))).toMatchObject({ ok: false, retryable: true });
    expect(await h.unreachable.send(message(h.good))).toMatchObject({ ok: false, retryable: true });
    expect(await h.adapter.send(message(h.good))).toMatchObject({ ok: true });
  });

  it('C5: close releases the connections to the provider; a closed adapter sends nothing and says so (never a throw)', async () => {
    const adapter = h.fresh();
    const others = h.openConnections();
    expect(await adapter.send(message(h.good))).toMatchObject({ ok: true });
    expect(h.openConnections()).toBeGreaterThan(others); // kept for the next message (pooled / keep-alive)
    await adapter.close();
    await expect.poll(() => h.openConnections(), { timeout: 2000, interval: 10 }).toBe(others);
    const before = h.received().length;
    const late = await adapter.send(message(h.good));
    expect(late).toMatchObject({ ok: false, retryable: true, reason: expect.any(String) });
    expect(h.received().length).toBe(before);
    expect(h.openConnections()).toBe(others);
  });
});

/** Meta's own error answers (their JSON, their codes), each mapped to what a retry can do (C1, C3). */
describe('WhatsApp Cloud API error responses', () => {
  let peer: WhatsAppPeer;
  let adapter: ChannelAdapter;
  let badToken: ChannelAdapter;
  beforeAll(async () => {
    peer = await startWhatsAppPeer({ autoStatus: false });
    adapter = whatsappAdapter({ apiUrl: peer.url, phoneNumberId: peer.phoneNumberId, token: peer.token });
    badToken = whatsappAdapter({ apiUrl: peer.url, phoneNumberId: peer.phoneNumberId, token: 'expired-token' });
  });
  afterAll(async () => {
    await adapter.close();
    await badToken.close();
    await peer.close();
  });

  it.each([
    [131030, '+447911130030', /WhatsApp error 131030: Recipient phone number not in allowed list: Add recipient/],
    [131047, '+447911131047', /WhatsApp error 131047: .*more than 24 hours have passed since the customer last replied/],
    [131026, '+447911131026', /WhatsApp error 131026: Message Undeliverable/],
  ] as const)('C3: a send Meta refuses with %i is not worth retrying, and the reason is Meta’s own words', async (code, number, reason) => {
    peer.rejectNumber(number, code);
    const before = peer.messages.length;
    expect(await adapter.send(message(number))).toEqual({ ok: false, retryable: false, reason: expect.stringMatching(reason), code: String(code) });
    expect(peer.messages.length).toBe(before);
  });

  it('C3: a malformed number is (#100) Invalid parameter, not worth retrying', async () => {
    expect(await adapter.send(message('not-a-number'))).toMatchObject({ ok: false, retryable: false, code: '100', reason: expect.stringMatching(/Invalid parameter/) });
  });

  it.each([
    [400, 130429, 'Rate limit hit'],
    [400, 131056, '(Business Account, Consumer Account) pair rate limit hit'],
    [500, 131000, 'Something went wrong'],
    [503, 131016, 'Service unavailable'],
  ])('C3: HTTP %i with Meta code %i (throttled, or trouble on Meta’s side) is worth retrying', async (status, code, text) => {
    peer.failNext(1, { status, code, message: text });
    expect(await adapter.send(message('+447911123456'))).toMatchObject({ ok: false, retryable: true, code: String(code), reason: `WhatsApp error ${code}: ${text}` });
  });

  it('C3: an access token Meta refuses (190, HTTP 401) fails the send, worth retrying once the token is fixed, and sends nothing', async () => {
    const before = peer.messages.length;
    expect(await badToken.send(message('+447911123456'))).toMatchObject({ ok: false, retryable: true, code: '190', reason: expect.stringMatching(/Invalid OAuth access token/) });
    expect(peer.messages.length).toBe(before);
  });
});
