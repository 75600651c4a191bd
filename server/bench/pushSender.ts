/**
 * The push benchmark's load generator, in a process of its own so its event loop does not
 * compete with the server's. Reads { base, senders, rate, seconds, batches } as JSON from argv
 * (each push goes as the next sender in turn),
 * prints { latencies, pacedMs, batchMs } as JSON.
 */
import { newInvitation } from '../test/server';

const { base, senders, rate, seconds, batches } = JSON.parse(process.argv[2]!) as {
  base: string;
  senders: { userId: string; cookie: string }[];
  rate: number;
  seconds: number;
  batches: number;
};

let turn = 0;
async function send(n: number): Promise<void> {
  const { userId, cookie } = senders[turn++ % senders.length]!;
  const rows = Array.from({ length: n }, () => ({ newDocumentState: newInvitation(userId), assumedMasterState: null }));
  const res = await fetch(`${base}/api/sync/invitations/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-plusone-protocol': '1', 'x-plusone-csrf': '1' },
    body: JSON.stringify({ rows }),
  });
  if (!res.ok) throw new Error(`push answered ${res.status}`);
  await res.arrayBuffer();
}

await send(1);
const latencies: number[] = [];
const total = rate * seconds;
const started = performance.now();
const inFlight: Promise<void>[] = [];
for (let i = 0; i < total; i++) {
  const wait = started + (i * 1000) / rate - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const t = performance.now();
  inFlight.push(send(1).then(() => void latencies.push(performance.now() - t)));
}
await Promise.all(inFlight);
const pacedMs = performance.now() - started;

const batchStart = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (next < batches) {
      next++;
      await send(100);
    }
  }),
);
const batchMs = performance.now() - batchStart;
console.log(JSON.stringify({ latencies, pacedMs, batchMs }));
