/**
 * A real SMTP server process-local peer (the `smtp-server` package) that keeps what it
 * receives: the local mail catcher for tests, the benchmark and demo mode (GET
 * /api/dev/mailbox). Like a careful relay it keeps one copy per Message-ID (our idempotency
 * key), and it can be told to refuse: `failNext(n, 451)` (try later) or `reject(address)`
 * (550, mailbox unavailable; `allow(address)` takes it back), or to go quiet: `holdAfter(n)`
 * answers n more messages and leaves the next ones unanswered (neither kept nor refused) until
 * `release()`. Tests read a message with mailparser (`simpleParser(m.raw)`).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  id: string;
  from: string;
  to: string[];
  messageId: string | null;
  subject: string;
  raw: string;
  receivedAt: string;
}

export interface SmtpPeer {
  url: string;
  port: number;
  messages: CaughtMail[];
  /** Messages the peer received again under a Message-ID it already had (and dropped). */
  duplicates: number;
  /** Every DATA the peer answered with 250 (first copies and duplicates). */
  accepted: number;
  failNext(count: number, responseCode?: number): void;
  reject(address: string): void;
  /** Accepts mail for a rejected address again. */
  allow(address: string): void;
  /** Answers `count` more messages, then holds each next one unanswered (a provider gone quiet). */
  holdAfter(count: number): void;
  /** Stops holding; held messages are refused with 421 (their senders may be gone). */
  release(): void;
  /** Messages received in full and left unanswered by `holdAfter`. */
  held(): number;
  /** SMTP connections open now. */
  openConnections(): number;
  /** Resolves with the first message matching `pred`, waiting up to `timeoutMs`. */
  waitFor(pred: (m: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  clear(): void;
  close(): Promise<void>;
}

/** A header's value from a raw message (first occurrence, folded lines joined). */
export function header(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return m ? m[1]!.trim() : null;
}

export async function startSmtpPeer({ port = 0, host = '127.0.0.1', keep = 10_000 } = {}): Promise<SmtpPeer> {
  const seen = new Set<string>();
  const rejected = new Set<string>();
  let failures: { left: number; code: number } = { left: 0, code: 451 };
  const waiters: { pred: (m: CaughtMail) => boolean; resolve: (m: CaughtMail) => void }[] = [];
  let answerBeforeHold: number | null = null;
  const holding: ((err: Error) => void)[] = [];

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 1024 * 1024,
    onRcptTo(address, _session, cb) {
      if (rejected.has(address.address.toLowerCase())) {
        return cb(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failures.left > 0) {
          failures.left -= 1;
          return cb(Object.assign(new Error(failures.code >= 500 ? '5.7.1 message refused' : '4.3.0 try again later'), { responseCode: failures.code }));
        }
        if (answerBeforeHold !== null) {
          if (answerBeforeHold === 0) return void holding.push(cb);
          answerBeforeHold -= 1;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const messageId = header(raw, 'Message-ID');
        peer.accepted += 1;
        const queueId = randomUUID();
        if (messageId && seen.has(messageId)) {
          peer.duplicates += 1;
          return cb(null, `OK: queued as ${queueId}`);
        }
        if (messageId) seen.add(messageId);
        const mail: CaughtMail = {
          id: queueId,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          messageId,
          subject: header(raw, 'Subject') ?? '',
          raw,
          receivedAt: new Date().toISOString(),
        };
        peer.messages.push(mail);
        if (peer.messages.length > keep) peer.messages.shift();
        for (const w of [...waiters]) {
          if (w.pred(mail)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(mail);
          }
        }
        cb(null, `OK: queued as ${queueId}`);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  server.on('error', () => undefined);
  const bound = (server.server.address() as AddressInfo).port;

  const peer: SmtpPeer = {
    url: `smtp://${host}:${bound}?tls=off`,
    port: bound,
    messages: [],
    duplicates: 0,
    accepted: 0,
    failNext(count, responseCode = 451) {
      failures = { left: count, code: responseCode };
    },
    reject(address) {
      rejected.add(address.toLowerCase());
    },
    allow(address) {
      rejected.delete(address.toLowerCase());
    },
    holdAfter(count) {
      answerBeforeHold = count;
    },
    release() {
      answerBeforeHold = null;
      for (const cb of holding.splice(0)) {
        try {
          cb(Object.assign(new Error('4.4.2 try again later'), { responseCode: 421 }));
        } catch {
          /* the sender's connection is gone */
        }
      }
    },
    held: () => holding.length,
    openConnections: () => (server as unknown as { connections: Set<unknown> }).connections.size,
    waitFor(pred, timeoutMs = 10_000) {
      const found = peer.messages.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve: (m: CaughtMail) => (clearTimeout(timer), resolve(m)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no matching mail within ${timeoutMs} ms (${peer.messages.length} caught)`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    clear() {
      peer.messages.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return peer;
}
