/** The live connection: one Socket.IO client per signed-in session, same origin, cookie auth. */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/sync/socket';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectLive(): LiveSocket {
  return io({ transports: ['websocket'], withCredentials: true, reconnectionDelayMax: 5000 });
}
