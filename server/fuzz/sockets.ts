/**
 * Socket.IO garbage: handshakes without a valid session, events of any name with any payload
 * from a signed-in socket, and raw frames that are not Socket.IO's (or not Engine.IO's)
 * protocol at all. The server side is watched in-process, so the test waits for the server to
 * have read what was sent instead of sleeping.
 */
import fc from 'fast-check';
import { io as connect, type Socket } from 'socket.io-client';
import type { LiveServer } from '../live/socket';
import { json, text, toText } from './garbage';

/** Names the client library keeps for itself (it throws rather than send them). */
const reserved = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/** A header value Node will send (no controls, nothing past Latin-1). */
const headerSafe = (s: string) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

export const garbageCookie: fc.Arbitrary<string> = fc.oneof(
  text(200).map(headerSafe),
  fc.string({ maxLength: 64 }).map((t) => `plusone_sid=${headerSafe(t)}`),
  fc.tuple(fc.base64String({ maxLength: 64 }), fc.base64String({ maxLength: 64 })).map(([a, b]) => `plusone_sid=${a}; plusone_sid=${b}`),
  fc.constantFrom('plusone_sid=%E0%A4%A', 'plusone_sid=', 'plusone_sid', '=;=;=', 'plusone_sid="unterminated', 'plusone_sid=__proto__'),
  fc.integer({ min: 1000, max: 7000 }).map((n) => `plusone_sid=${'A'.repeat(n)}`),
);

/** The handshake's `auth` payload: any object (Socket.IO sends it as JSON). */
export const garbageAuth = json.map((j) => JSON.parse(toText(j)) as unknown).filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v));

/** Whether a handshake with this cookie and auth is refused, and with which message. */
export function handshake(url: string, cookie: string, auth: Record<string, unknown>, transport: 'websocket' | 'polling'): Promise<{ refused: boolean; message: string }> {
  return new Promise((resolve) => {
    const s = connect(url, { transports: [transport], extraHeaders: { cookie }, auth, reconnection: false, forceNew: true });
    s.once('connect', () => {
      s.close();
      resolve({ refused: false, message: '' });
    });
    s.once('connect_error', (err) => {
      s.close();
      resolve({ refused: true, message: err.message });
    });
  });
}

export const eventName = text(40).filter((n) => !reserved.has(n));
export const eventArgs = fc.array(json.map((j) => JSON.parse(toText(j)) as unknown), { maxLength: 4 });

/** Socket.IO packets as text that the server's parser must survive (a refusal closes the socket). */
export const rawPacket: fc.Arbitrary<string> = fc.oneof(
  text(100),
  json.map((j) => `2${toText(j)}`),
  fc.tuple(fc.integer({ min: 0, max: 9 }), json).map(([type, j]) => `${type}${toText(j)}`),
  fc.tuple(fc.integer({ min: 0, max: 99 }), json).map(([n, j]) => `5${n}-${toText(j)}`),
  fc.tuple(text(20), fc.nat()).map(([ns, id]) => `2${ns},${id}["x"]`),
  fc.constantFrom('0', '0/admin,', '0{"token":1}', '1', '3', '31["x"]', '4"boom"', '2', '2[]', '2[1]', '2["connect"]', '2["disconnect"]', '2["__proto__",{}]', '51-["x",{"_placeholder":true,"num":0}]', '2999999999999999999999["x"]'),
);

/** Engine.IO frames under Socket.IO: unknown packet types, pings and closes, bytes. */
export const rawFrame: fc.Arbitrary<string | Buffer> = fc.oneof(
  text(50),
  fc.constantFrom('', '0', '1', '2', '2probe', '3', '5', '6', '7', '8', '9', 'b4AAAA'),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
);

export type ClientSocket = Socket;

/** The server's side of a client socket (same id), to watch what it reads. */
export function serverSide(io: LiveServer, client: Socket) {
  const s = io.of('/').sockets.get(client.id!);
  if (!s) throw new Error(`no server socket for ${client.id}`);
  return s;
}

/** Resolves once the server's socket has read the event `marker`, or has closed. */
export function readUpTo(io: LiveServer, client: Socket, marker: string): Promise<'read' | 'closed'> {
  const s = serverSide(io, client);
  return new Promise((resolve) => {
    const listener = (event: string) => {
      if (event !== marker) return;
      s.offAny(listener);
      resolve('read');
    };
    s.onAny(listener);
    s.once('disconnect', () => resolve('closed'));
  });
}

/** The underlying Engine.IO connection's websocket, to write frames Socket.IO would not. */
export function websocketOf(client: Socket): { send(data: string | Buffer): void } {
  const transport = (client.io.engine as unknown as { transport: { ws?: { send(data: string | Buffer): void } } }).transport;
  if (!transport.ws) throw new Error('not a websocket transport');
  return transport.ws;
}
