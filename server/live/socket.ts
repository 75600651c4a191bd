/**
 * Live changes over Socket.IO. The handshake must carry a valid session cookie; the server
 * joins each socket to the rooms its user may see (own, organisation for coordinators, the
 * dashboard for owners, and the signed-in room for platform metrics). A change is emitted only
 * to the rooms allowed to see it, never broadcast to everyone.
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { ViralEventDoc } from '../../shared/events';
import type { InvitationDoc } from '../../shared/invitation';
import type { MetricsDoc } from '../../shared/metrics';
import { invitationScope, isAdmin, type SessionUser } from '../../shared/roles';
import type { PublishedDoc } from '../viral/metricsPublisher';
import { rooms, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/sync/socket';
import { tokenFromCookieHeader, userForToken } from '../auth/sessions';
import type { Db } from '../db/db';

interface SocketData {
  user: SessionUser;
}

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export function roomsFor(user: SessionUser): string[] {
  const joined = [rooms.user(user.id), rooms.recipient(user.email), rooms.signedIn];
  if (invitationScope(user.role) === 'organisation' && user.orgId) joined.push(rooms.org(user.orgId));
  if (isAdmin(user.role)) joined.push(rooms.dashboard);
  return joined;
}

export function installLive(httpServer: HttpServer, db: Db) {
  const io: LiveServer = new Server(httpServer, { serveClient: false, transports: ['websocket', 'polling'] });

  io.use(async (socket, next) => {
    try {
      const user = await userForToken(db, tokenFromCookieHeader(socket.handshake.headers.cookie));
      if (!user) return next(new Error('UNAUTHENTICATED'));
      socket.data.user = user;
      next();
    } catch (err) {
      next(err as Error);
    }
  });

  io.on('connection', (socket) => {
    void socket.join(roomsFor(socket.data.user));
  });

  return {
    io,
    invitationsChanged(docs: InvitationDoc[]): void {
      const byRoom = new Map<string, InvitationDoc[]>();
      const add = (room: string, doc: InvitationDoc) => byRoom.set(room, [...(byRoom.get(room) ?? []), doc]);
      for (const doc of docs) {
        add(rooms.user(doc.inviterId), doc);
        add(rooms.recipient(doc.recipientEmail), doc);
        if (doc.orgId) add(rooms.org(doc.orgId), doc);
      }
      for (const [room, documents] of byRoom) io.to(room).emit('invitation:changed', { documents });
    },
    eventsCreated(docs: ViralEventDoc[]): void {
      const byRoom = new Map<string, ViralEventDoc[]>();
      for (const doc of docs) {
        const targets = new Set([doc.actorId, doc.inviterId].filter((id): id is string => !!id).map(rooms.user));
        if (doc.orgId) targets.add(rooms.org(doc.orgId));
        for (const room of targets) byRoom.set(room, [...(byRoom.get(room) ?? []), doc]);
      }
      for (const [room, documents] of byRoom) io.to(room).emit('viral_event:created', { documents });
    },
    /** Each snapshot only to its audience: everyone signed in, the owner's dashboard, or one user. */
    metricsUpdated(published: PublishedDoc[]): void {
      const byRoom = new Map<string, MetricsDoc[]>();
      for (const { doc, audience } of published) {
        const room = audience === 'all' ? rooms.signedIn : audience === 'owner' ? rooms.dashboard : rooms.user(audience.replace(/^user:/, ''));
        byRoom.set(room, [...(byRoom.get(room) ?? []), doc]);
      }
      for (const [room, documents] of byRoom) io.to(room).emit('metrics:updated', { documents });
    },
  };
}

export type Live = ReturnType<typeof installLive>;
