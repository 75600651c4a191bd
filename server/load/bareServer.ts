/**
 * The floor: a plain Socket.IO server (no rooms, no database, no adapter) in a child process,
 * broadcasting to every socket it holds. What a broadcast to N sockets costs here whatever the
 * app does; the app's dashboard-wide K cannot arrive sooner than this.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { answer } from './processes';

const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false, transports: ['websocket'] });
const now = () => performance.timeOrigin + performance.now();

answer({
  async listen() {
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  },
  /** `count` broadcasts `gapMs` apart, each carrying `bytes` of payload; the ms each emit call took. */
  async broadcast({ count, gapMs, bytes }: { count: number; gapMs: number; bytes: number }) {
    const filler = 'x'.repeat(Math.max(0, bytes - 40));
    const emitMs: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = now();
      io.emit('tick', { sentAt: t, filler });
      emitMs.push(now() - t);
      await new Promise((r) => setTimeout(r, gapMs));
    }
    return { emitMs, sockets: io.engine.clientsCount };
  },
  async close() {
    await new Promise<void>((resolve) => io.close(() => resolve()));
    return null;
  },
});
