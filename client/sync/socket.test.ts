/**
 * watchDashboard over a real Socket.IO connection: the request is made on mount and again after
 * every reconnect (the server forgets rooms with the connection), never queued while offline,
 * and the last screen to stop unwatches. The peer is a bare Socket.IO server that records what
 * each connection asked, in order; a `marker` event sent after the fact shows what came before
 * it (one connection's events arrive in the order they were sent), so nothing waits on a clock.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchDashboard, type LiveSocket } from './socket';

let http: HttpServer;
let peer: Server;
let url: string;
/** What each connection asked, by connection order: 'watch', 'unwatch', 'marker'. */
let asked: string[][];
let markers: Array<() => void>;
const clients: LiveSocket[] = [];

beforeEach(async () => {
  asked = [];
  markers = [];
  http = createServer();
  peer = new Server(http, { transports: ['websocket'] });
  peer.on('connection', (socket) => {
    const log: string[] = [];
    asked.push(log);
    socket.on('dashboard:watch', (ack: (a: unknown) => void) => (log.push('watch'), ack({ ok: true, watching: true })));
    socket.on('dashboard:unwatch', (ack: (a: unknown) => void) => (log.push('unwatch'), ack({ ok: true, watching: false })));
    socket.on('marker', () => (log.push('marker'), markers.shift()?.()));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await new Promise<void>((resolve) => peer.close(() => resolve()));
});

function client(autoConnect = true): LiveSocket {
  const socket: LiveSocket = connect(url, { transports: ['websocket'], reconnectionDelay: 10, reconnectionDelayMax: 20, autoConnect });
  clients.push(socket);
  return socket;
}

const connected = (socket: LiveSocket) => new Promise<void>((resolve) => (socket.connected ? resolve() : socket.once('connect', () => resolve())));

/** Everything this socket's current connection sent before now has reached the peer. */
function marker(socket: LiveSocket): Promise<void> {
  return new Promise((resolve) => {
    markers.push(resolve);
    (socket as unknown as { emit(e: string): void }).emit('marker');
  });
}

/** Counts the server's acceptances; resolves `next()` on the following one. */
function acceptances() {
  let count = 0;
  let waiting: (() => void) | null = null;
  return {
    onWatching: () => {
      count++;
      waiting?.();
      waiting = null;
    },
    next: () => new Promise<void>((resolve) => (waiting = resolve)),
    get count() {
      return count;
    },
  };
}

describe('watchDashboard', () => {
  it('LIVE4: asks on mount and again after a reconnect; after stop, a reconnect asks nothing', async () => {
    const socket = client();
    await connected(socket);
    const accepted = acceptances();
    const first = accepted.next();
    const stop = watchDashboard(socket, accepted.onWatching);
    await first;

    // The transport drops (a tunnel, a flaky network): the client reconnects on its own.
    const again = accepted.next();
    socket.io.engine.close();
    await again;
    expect(asked.map((log) => log.filter((e) => e === 'watch'))).toEqual([['watch'], ['watch']]);
    expect(accepted.count).toBe(2);

    stop();
    await marker(socket);
    expect(asked[1]).toEqual(['watch', 'unwatch', 'marker']);

    const reconnected = new Promise<void>((resolve) => socket.io.once('reconnect', () => resolve()));
    socket.io.engine.close();
    await reconnected;
    await marker(socket);
    expect(asked[2]).toEqual(['marker']);
    expect(accepted.count).toBe(2);
  });

  it('LIVE4: sends nothing while offline, and asks once when the connection opens', async () => {
    const socket = client(false);
    const accepted = acceptances();
    const heard = accepted.next();
    watchDashboard(socket, accepted.onWatching);
    socket.connect();
    await heard;
    await marker(socket);
    expect(asked).toEqual([['watch', 'marker']]);
  });

  it('LIVE4: two screens watching: the first to stop keeps the socket watching, the last unwatches; a second stop does nothing', async () => {
    const socket = client();
    await connected(socket);
    const stopA = watchDashboard(socket);
    const stopB = watchDashboard(socket);
    stopA();
    stopA();
    await marker(socket);
    expect(asked[0]).toEqual(['watch', 'watch', 'marker']);
    stopB();
    await marker(socket);
    expect(asked[0]).toEqual(['watch', 'watch', 'marker', 'unwatch', 'marker']);
  });
});
