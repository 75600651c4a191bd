/** The live connection: one Socket.IO client per signed-in session, same origin, cookie auth. */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/sync/socket';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectLive(): LiveSocket {
  return io({ transports: ['websocket'], withCredentials: true, reconnectionDelayMax: 5000 });
}

/** How many screens of this tab watch the dashboard over each socket: the last to stop unwatches. */
const watching = new WeakMap<LiveSocket, number>();

/**
 * While a dashboard is on screen, its socket hears every platform-K update, not only the
 * throttled ones (`dashboard:watch`). The server forgets rooms with the connection, so the
 * request is made again on every (re)connect; while offline nothing is sent (no buffered
 * requests replayed later). `onWatching` runs each time the server accepts: a platform update
 * that waited for the throttled broadcast is not sent to a watcher, so pull then. Returns stop.
 */
export function watchDashboard(socket: LiveSocket, onWatching: () => void = () => {}): () => void {
  const ask = () => {
    socket.emit('dashboard:watch', (answer) => {
      if (answer.ok) onWatching();
    });
  };
  watching.set(socket, (watching.get(socket) ?? 0) + 1);
  socket.on('connect', ask);
  if (socket.connected) ask();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    socket.off('connect', ask);
    const left = (watching.get(socket) ?? 1) - 1;
    watching.set(socket, left);
    if (left === 0 && socket.connected) socket.emit('dashboard:unwatch', () => {});
  };
}
