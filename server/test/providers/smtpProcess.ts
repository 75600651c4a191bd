/**
 * The local SMTP peer in a process of its own (the benchmark's "local SMTP server", and the
 * crash test's provider, which must outlive the worker it kills), so the receiving side does not
 * share the sender's event loop. The parent asks it for counts over IPC, one request at a time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface PeerStats {
  /** Messages kept (one per Message-ID). */
  messages: number;
  /** Messages received again under a Message-ID already kept (answered 250, dropped). */
  duplicates: number;
  /** Messages received in full and left unanswered (`holdAfter`). */
  held: number;
}

export interface SmtpPeerProcess {
  url: string;
  stats(): Promise<PeerStats>;
  /** Every message kept: its recipients and Message-ID. */
  caught(): Promise<{ to: string[]; messageId: string | null }[]>;
  /** See SmtpPeer.holdAfter / release. */
  holdAfter(count: number): Promise<void>;
  release(): Promise<void>;
  close(): Promise<void>;
}

export type PeerRequest = { cmd: 'stats' | 'caught' | 'release' | 'close' } | { cmd: 'holdAfter'; count: number };

export async function startSmtpPeerProcess(): Promise<SmtpPeerProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./smtpChild.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`SMTP peer process exited (${code})`));
      child.once('exit', exited);
      child.once('message', (m) => {
        child.off('exit', exited);
        resolve(m as T);
      });
    });
  const ask = async <T>(request: PeerRequest): Promise<T> => {
    const answer = next<T>();
    child.send(request);
    return answer;
  };
  const { url } = await next<{ url: string }>();
  return {
    url,
    stats: () => ask<PeerStats>({ cmd: 'stats' }),
    caught: () => ask({ cmd: 'caught' }),
    holdAfter: async (count) => void (await ask({ cmd: 'holdAfter', count })),
    release: async () => void (await ask({ cmd: 'release' })),
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ cmd: 'close' } satisfies PeerRequest);
      await exited;
    },
  };
}
