/**
 * The real client replication in Node against a real server: replication lifecycles that RxDB
 * has had bugs in (LIFE1: a push that failed and whose replication was paused and restarted
 * must still go; #7259, #9127).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../demo/seed';
import { openNodeClient, type NodeClient } from '../test/nodeClient';
import { startTestServer, type TestServer } from '../test/server';

let server: TestServer;
let client: NodeClient;
const requests: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  client = await openNodeClient(server.url, 'ritz@demo.plusone', DEMO_PASSWORD, (kind) => requests.push(kind));
  await client.replications.invitations.awaitInSync();
});
afterAll(async () => {
  await client?.close();
  await server?.close();
});

it('LIFE1: writes whose push failed offline, with the replication paused and restarted, still reach the server once', async () => {
  client.offline();
  const emails = ['life.one@guests.example', 'life.two@guests.example', 'life.three@guests.example'];
  for (const recipientEmail of emails) {
    const made = await client.invite(recipientEmail);
    expect(made.ok).toBe(true);
  }
  // The push is tried and fails while offline; pause the replication during the retries.
  await expect.poll(() => requests.includes('push:invitations:offline')).toBe(true);
  await client.replications.invitations.pause();
  client.online();
  await client.replications.invitations.start();
  await expect.poll(() => client.pending(), { timeout: 15_000 }).toBe(0);
  const rows = await server.testDb.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM invitations WHERE recipient_email = ANY($1::text[])',
    [emails],
  );
  expect(rows[0]!.n).toBe(3);
});
