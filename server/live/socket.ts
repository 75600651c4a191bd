/**
 * Live changes over Socket.IO. The handshake must carry a valid session cookie; the server
 * joins each socket to the rooms its user may see (own, organisation for coordinators, the
 * dashboard for owners, and the signed-in room for platform metrics). A change is emitted only
 * to the rooms allowed to see it, never broadcast to everyone.
 *
 * Platform K reaches owners' sockets and the sockets of every open ViralDashboard (the screen
 * asks with `dashboard:watch`, the server checks the session still stands and may see platform
 * K) on every update; other screens get it at most every METRICS_EVERYONE_MS, which bounds the
 * fan-out to thousands of idle sockets. Watch requests of one socket are handled in order, so
 * a watch followed at once by an unwatch ends unwatched.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { ViralEventDoc } from '../../shared/events';
import type { InvitationDoc } from '../../shared/invitation';
import type { MetricsDoc } from '../../shared/metrics';
import { ErrorCode } from '../../shared/errors';
import { invitationScope, isAdmin, type SessionUser } from '../../shared/roles';
import { mayRead, PLATFORM_AUDIENCE, type PublishedDoc } from '../viral/metricsPublisher';
import { rooms, type ClientToServerEvents, type ServerToClientEvents, type WatchAnswer } from '../../shared/sync/socket';
import { sessionRoom, tokenFromCookieHeader, userForToken } from '../auth/sessions';
import type { Db } from '../db/db';
import type { Redis } from '../redis';

/** Where a change came from, when an HTTP request caused it. */
export interface ChangeOrigin {
  requestId?: string;
}

interface SocketData {
  user: SessionUser;
  /** The room of this socket's session, closed when the session ends (sign-out, rotation). */
  session: string;
  /** The session's token, to check it still stands when the socket asks for a room. */
  token: string;
  /** Watch requests of this socket, one after the other. */
  watching: Promise<unknown>;
}

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export function roomsFor(user: SessionUser): string[] {
  const joined = [rooms.user(user.id), rooms.recipient(user.email), rooms.signedIn];
  if (invitationScope(user.role) === 'organisation' && user.orgId) joined.push(rooms.org(user.orgId));
  if (isAdmin(user.role)) joined.push(rooms.dashboard);
  return joined;
}

/** `allowRequest`: refuses a handshake before the session is read (a cross-origin page, server/http/security.ts). */
export interface LiveOptions extends Pick<Partial<ServerOptions>, 'allowRequest'> {
  /** Platform K to every signed-in screen at most this often (owners' dashboards: every update). */
  everyoneEveryMs?: number;
}

export function installLive(httpServer: HttpServer, db: Db, opts: LiveOptions = {}) {
  const io: LiveServer = new Server(httpServer, { serveClient: false, transports: ['websocket', 'polling'], allowRequest: opts.allowRequest });

  io.use(async (socket, next) => {
    try {
      const token = tokenFromCookieHeader(socket.handshake.headers.cookie);
      const user = await userForToken(db, token);
      if (!user) return next(new Error('UNAUTHENTICATED'));
      socket.data.user = user;
      socket.data.session = sessionRoom(token!);
      socket.data.token = token!;
      socket.data.watching = Promise.resolve();
      next();
    } catch (err) {
      next(err as Error);
    }
  });

  const everyone = throttled(opts.everyoneEveryMs ?? 0, (documents) => {
    io.to(rooms.signedIn).except([rooms.dashboard, rooms.watchers]).emit('metrics:updated', { documents });
  });

  io.on('connection', (socket) => {
    void socket.join([...roomsFor(socket.data.user), socket.data.session]);
    /** Runs `change` after this socket's earlier requests and acknowledges with its answer (a garbage ack is ignored). */
    const inTurn = (ack: unknown, change: () => Promise<WatchAnswer>) => {
      const run = socket.data.watching.then(change).catch((): WatchAnswer => ({ ok: false, code: ErrorCode.INTERNAL, message: 'could not change what this screen watches' }));
      socket.data.watching = run;
      void run.then((answer) => typeof ack === 'function' && ack(answer));
    };
    socket.on('dashboard:watch', (ack) =>
      inTurn(ack, async () => {
        // The session may have expired since the handshake: a socket outlives its cookie.
        const user = await userForToken(db, socket.data.token);
        if (!user) return { ok: false, code: ErrorCode.UNAUTHENTICATED, message: 'the session has ended: sign in again' };
        if (!mayRead(user, PLATFORM_AUDIENCE)) return { ok: false, code: ErrorCode.FORBIDDEN, message: `a ${user.role} may not see the platform figures` };
        await socket.join(rooms.watchers);
        return { ok: true, watching: true };
      }),
    );
    socket.on('dashboard:unwatch', (ack) =>
      inTurn(ack, async () => {
        await socket.leave(rooms.watchers);
        return { ok: true, watching: false };
      }),
    );
  });

  return {
    io,
    /** A session ended: its sockets (in every process) leave every room and are closed. */
    endSession(token: string): void {
      io.in(sessionRoom(token)).disconnectSockets(true);
    },
    /**
     * Several server processes on one database: every `io.to(room).emit` also reaches the
     * sockets of the others, through a Redis stream named after the database (so deployments,
     * or test servers, sharing one Redis stay apart). Call before listening.
     */
    shareThrough(redis: Redis, database: string): void {
      io.adapter(createAdapter(redis, { streamName: `plusone#${database}`, channelPrefix: `plusone#${database}` }));
    },
    /** `origin.requestId`: the HTTP request whose write this is, carried in the event (server/monitoring). */
    invitationsChanged(docs: InvitationDoc[], origin: ChangeOrigin = {}): void {
      const byRoom = new Map<string, InvitationDoc[]>();
      const add = (room: string, doc: InvitationDoc) => byRoom.set(room, [...(byRoom.get(room) ?? []), doc]);
      for (const doc of docs) {
        add(rooms.user(doc.inviterId), doc);
        add(rooms.recipient(doc.recipientEmail), doc);
        if (doc.orgId) add(rooms.org(doc.orgId), doc);
      }
      for (const [room, documents] of byRoom) io.to(room).emit('invitation:changed', { documents, ...origin });
    },
    eventsCreated(docs: ViralEventDoc[], origin: ChangeOrigin = {}): void {
      const byRoom = new Map<string, ViralEventDoc[]>();
      for (const doc of docs) {
        const targets = new Set([doc.actorId, doc.inviterId].filter((id): id is string => !!id).map(rooms.user));
        if (doc.orgId) targets.add(rooms.org(doc.orgId));
        for (const room of targets) byRoom.set(room, [...(byRoom.get(room) ?? []), doc]);
      }
      for (const [room, documents] of byRoom) io.to(room).emit('viral_event:created', { documents, ...origin });
    },
    /**
     * Each snapshot only to its audience. Platform figures ('all') go at once to the owners'
     * dashboards and to every watched dashboard, and to everyone else signed in at most every
     * `everyoneEveryMs`, latest wins: with 10,000 sockets one broadcast costs ~150 ms of CPU,
     * and each screen then pulls. The owner's snapshots go to owners, a user's to that user.
     */
    metricsUpdated(published: PublishedDoc[]): void {
      const platform = published.filter((p) => p.audience === PLATFORM_AUDIENCE).map((p) => p.doc);
      const forOwners = published.filter((p) => p.audience === PLATFORM_AUDIENCE || p.audience === 'owner').map((p) => p.doc);
      const byUser = new Map<string, MetricsDoc[]>();
      for (const { doc, audience } of published) {
        if (!audience.startsWith('user:')) continue;
        const room = rooms.user(audience.slice('user:'.length));
        byUser.set(room, [...(byUser.get(room) ?? []), doc]);
      }
      if (forOwners.length > 0) io.to(rooms.dashboard).emit('metrics:updated', { documents: forOwners });
      // An owner watching too already has these (one event per socket, not two).
      if (platform.length > 0) io.to(rooms.watchers).except(rooms.dashboard).emit('metrics:updated', { documents: platform });
      for (const [room, documents] of byUser) io.to(room).emit('metrics:updated', { documents });
      everyone.add(platform);
    },
    /** Sends what waits for everyone now (shutdown, tests). */
    flushEveryone: () => everyone.flush(),
  };
}

export type Live = ReturnType<typeof installLive>;

/** Documents sent at most every `everyMs` (the first at once), the latest state of each id. */
function throttled(everyMs: number, send: (docs: MetricsDoc[]) => void) {
  const waiting = new Map<string, MetricsDoc>();
  let last = -Infinity;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (waiting.size === 0) return;
    last = Date.now();
    const docs = [...waiting.values()];
    waiting.clear();
    send(docs);
  };
  return {
    add(docs: MetricsDoc[]) {
      if (docs.length === 0) return;
      for (const doc of docs) waiting.set(doc.id, doc);
      const due = last + everyMs - Date.now();
      if (due <= 0) flush();
      else timer ??= setTimeout(flush, due).unref();
    },
    flush,
  };
}
