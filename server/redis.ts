/**
 * The optional Redis connection (REDIS_URL): shared rate-limit counters and the Socket.IO
 * adapter that lets several server processes broadcast to each other's sockets. Without it,
 * rate limits count in PostgreSQL and one process serves every socket.
 */
import { createClient } from 'redis';

export type Redis = ReturnType<typeof createClient>;

/** Connects, or fails with a message naming the URL's host (never its password). */
export async function openRedis(url: string): Promise<Redis> {
  let ready = false;
  // Once connected it reconnects by itself; a first connection that fails is an error at start.
  const client = createClient({ url, socket: { reconnectStrategy: (retries, cause) => (ready ? Math.min(retries * 100, 2000) : cause) } });
  client.on('error', () => {
    /* reconnects by itself; /readyz reports a lost connection */
  });
  try {
    await client.connect();
    ready = true;
  } catch (err) {
    throw new Error(`cannot reach Redis at ${new URL(url).host}: ${(err as Error).message}`);
  }
  return client;
}
