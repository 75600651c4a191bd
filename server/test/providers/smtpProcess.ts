/**
 * The local SMTP peer in a process of its own (the benchmark's "local SMTP server"), so the
 * receiving side does not share the sender's event loop. The parent asks it for counts over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SmtpPeerProcess {
  url: string;
  stats(): Promise<{ messages: number; duplicates: number }>;
  close(): Promise<void>;
}

type Reply = { url: string } | { messages: number; duplicates: number };

export async function startSmtpPeerProcess(): Promise<SmtpPeerProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./smtpChild.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<Reply>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Reply));
    child.once('exit', (code) => reject(new Error(`SMTP peer process exited (${code})`)));
  });
  const { url } = (await next()) as { url: string };
  return {
    url,
    async stats() {
      const answer = next();
      child.send('stats');
      return (await answer) as { messages: number; duplicates: number };
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('close');
      await exited;
    },
  };
}
