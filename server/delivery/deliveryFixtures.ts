/**
 * Test world for delivery: a real server (workers off unless asked), a supplier, the local
 * provider peers, and a `core` wired to them so a test can claim, send and settle by hand.
 */
import type { InvitationInput } from '../../shared/invitation';
import { startTestServer, newInvitation, type ApiClient, type TestServer } from '../test/server';
import { addUser, TEST_PASSWORD } from '../test/fixtures';
import { startSmtpPeer, type SmtpPeer } from '../test/providers/smtp';
import { startTwilioPeer, type TwilioPeer } from '../test/providers/twilio';
import { startWhatsAppPeer, type WhatsAppPeer } from '../test/providers/whatsapp';
import { emailAdapter } from './channels/email';
import { twilioAdapter } from './channels/twilio';
import { whatsappAdapter } from './channels/whatsapp';
import type { DeliveryCore } from './worker';

export interface DeliveryWorld {
  server: TestServer;
  supplier: ApiClient;
  supplierId: string;
  smtp: SmtpPeer;
  twilio: TwilioPeer;
  whatsapp: WhatsAppPeer;
  core(overrides?: Partial<DeliveryCore>): DeliveryCore;
  /** Pushes new invitations as the supplier; returns them. */
  push(...overrides: Partial<InvitationInput>[]): Promise<InvitationInput[]>;
  close(): Promise<void>;
}

let n = 0;

export async function deliveryWorld({ env = {} }: { env?: Record<string, string> } = {}): Promise<DeliveryWorld> {
  const [smtp, twilio, whatsapp] = await Promise.all([startSmtpPeer(), startTwilioPeer({ autoStatus: false }), startWhatsAppPeer({ autoStatus: false })]);
  const server = await startTestServer({ demo: false, env });
  const supplierId = `u-sup-${n++}`;
  await addUser(server.testDb.db, { id: supplierId, email: `${supplierId}@example.com`, role: 'supplier', orgId: `org-${supplierId}` });
  const supplier = await server.as(`${supplierId}@example.com`, TEST_PASSWORD);
  const adapters = {
    email: emailAdapter({ smtpUrl: smtp.url, from: 'PlusOne <test@plusone.local>' }),
    sms: twilioAdapter({ apiUrl: twilio.url, accountSid: twilio.accountSid, authToken: twilio.authToken, from: twilio.from }),
    whatsapp: whatsappAdapter({ apiUrl: whatsapp.url, phoneNumberId: whatsapp.phoneNumberId, token: whatsapp.token }),
  };
  return {
    server,
    supplier,
    supplierId,
    smtp,
    twilio,
    whatsapp,
    core: (overrides = {}) => ({
      db: server.testDb.db,
      adapters,
      policy: { baseMs: 10, maxMs: 100, maxAttempts: 3 },
      leaseMs: 60_000,
      batch: 50,
      publicUrl: () => server.url,
      ...overrides,
    }),
    async push(...overrides) {
      const rows = overrides.map((o) => newInvitation(supplierId, o));
      const res = await supplier.push('invitations', rows.map((r) => ({ newDocumentState: r, assumedMasterState: null })));
      if (res.status !== 200 || res.body.results.some((r: { outcome: string }) => r.outcome !== 'applied')) {
        throw new Error(`push failed: ${res.status} ${JSON.stringify(res.body)}`);
      }
      return rows;
    },
    async close() {
      await Promise.all(Object.values(adapters).map((a) => a.close()));
      await server.close();
      await Promise.all([smtp.close(), twilio.close(), whatsapp.close()]);
    },
  };
}
