import { afterAll, beforeAll, expect, it } from 'vitest';
import { newInvitation, startTestServer, type TestServer } from '../test/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('a pushed invitation comes back from pull with a server rev', async () => {
  const ritz = await server.as('ritz@demo.plusone');
  const inv = newInvitation('u-ritz');
  const push = await ritz.push('invitations', [{ newDocumentState: inv, assumedMasterState: null }]);
  expect(push.body).toEqual({ results: [{ id: inv.id, outcome: 'applied' }] });
  let cp = null;
  const seen = [];
  for (;;) {
    const pull = await ritz.pull('invitations', cp, 50);
    if (!pull.body.documents) throw new Error(JSON.stringify(pull.body));
    seen.push(...pull.body.documents);
    cp = pull.body.checkpoint;
    if (pull.body.documents.length < 50) break;
  }
  const mine = seen.find((d: any) => d.id === inv.id);
  expect(mine.rev).toBeGreaterThan(0);
});
