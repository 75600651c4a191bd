/**
 * A TCP relay between the browser and the server that can cut the network: while cut, open
 * connections are destroyed and new ones are refused at once, for the page and its service
 * worker alike (Playwright's setOffline has had gaps with service workers).
 */
import net from 'node:net';

export interface NetCut {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startNetCut(targetPort: number): Promise<NetCut> {
  let isCut = false;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (isCut) return client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      isCut = true;
      for (const s of open) s.destroy();
    },
    restore() {
      isCut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
