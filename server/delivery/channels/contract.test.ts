/**
 * One contract, one suite (STYLE §4): every channel adapter passes the same tests, each against
 * its local provider peer (server/test/providers). Rule ids are those of channel.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpPeer } from '../../test/providers/smtp';
import { startTwilioPeer } from '../../test/providers/twilio';
import { startWhatsAppPeer } from '../../test/providers/whatsapp';
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
      unreachable: make(`${closedPort}/v21.0`),
      good: '+447911123456',
      received: () => peer.messages.map((m) => ({ to: `+${m.to}`, text: m.body })),
      duplicates: () => peer.duplicates,
      // Meta refuses a malformed number with (#100) Invalid parameter.
      refuse: () => undefined,
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
    const result = await h.adapter.send(message(name === 'whatsapp' ? 'not-a-number' : bad));
    expect(result).toMatchObject({ ok: false, retryable: false, reason: expect.any(String) });
  });

  it('C3: a provider that asks to try later, or cannot be reached, is a failure worth retrying', async () => {
    h.troubleNext();
    expect(await h.adapter.send(message(h.good))).toMatchObject({ ok: false, retryable: true });
    expect(await h.unreachable.send(message(h.good))).toMatchObject({ ok: false, retryable: true });
    expect(await h.adapter.send(message(h.good))).toMatchObject({ ok: true });
  });
});
