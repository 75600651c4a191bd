/**
 * The transport on the inviting device: the server answers invitation codes as null (it keeps
 * only their hashes), and the device puts its own back, from what it pushed and from its local
 * database, so its QR code and short code survive a sync. Every call carries the CSRF header.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpTransport, restoreCodes, type CodeBook } from './transport';

const mine = { inviteCode: 'A'.repeat(22), shortCode: 'ABCDEFGH' };
const serverDoc = (id: string) => ({ id, rev: 1, inviteCode: null, shortCode: null });

/** Answers every request with `body`, and remembers what was sent. */
function answer(body: unknown) {
  const sent: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    sent.push({ url, init });
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  return sent;
}
afterEach(() => vi.unstubAllGlobals());

describe('invitation codes on the inviting device', () => {
  it('a pulled page gets the codes this device holds, and only for invitations it knows', async () => {
    const sent = answer({ documents: [serverDoc('a'), serverDoc('b')], checkpoint: { txid: 1, rev: 2 }, held: false });
    const asked: string[][] = [];
    const codeBook: CodeBook = async (ids) => (asked.push(ids), new Map([['a', mine]]));
    const page = await httpTransport({ base: 'http://server' }, codeBook).pull('invitations', null, 10);
    expect(asked).toEqual([['a', 'b']]);
    expect(page.documents).toEqual([{ ...serverDoc('a'), ...mine }, serverDoc('b')]);
    expect(page.checkpoint).toEqual({ txid: 1, rev: 2 });
    expect(new Headers(sent[0]!.init.headers).get('x-plusone-csrf')).toBe('1');
  });

  it('other collections, and a transport without a code book, are left as the server sent them', async () => {
    answer({ documents: [serverDoc('a')], checkpoint: null, held: false });
    const codeBook: CodeBook = async () => new Map([['a', mine]]);
    expect((await httpTransport({ base: '' }, codeBook).pull('viral_events', null, 10)).documents).toEqual([serverDoc('a')]);
    expect((await httpTransport({ base: '' }).pull('invitations', null, 10)).documents).toEqual([serverDoc('a')]);
  });

  it("a conflict or duplicate answer's master gets the codes of the row just pushed", async () => {
    answer({ results: [{ id: 'a', outcome: 'duplicate', master: serverDoc('a') }, { id: 'b', outcome: 'applied' }] });
    const row = (id: string) => ({ newDocumentState: { id, ...mine } }) as never;
    const { results } = await httpTransport({ base: '' }).pushInvitations([row('a'), row('b')]);
    expect(results).toEqual([{ id: 'a', outcome: 'duplicate', master: { ...serverDoc('a'), ...mine } }, { id: 'b', outcome: 'applied' }]);
  });

  it('restoreCodes never overwrites a code the server did send', () => {
    const sentByServer = { id: 'a', inviteCode: 'B'.repeat(22), shortCode: null };
    expect(restoreCodes([sentByServer], new Map([['a', mine]]))).toEqual([{ ...sentByServer, shortCode: mine.shortCode }]);
    const docs = [serverDoc('a')];
    expect(restoreCodes(docs, new Map())).toBe(docs);
  });
});
