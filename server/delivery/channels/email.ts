/**
 * Email through nodemailer over SMTP (SMTP_URL). A pooled transport keeps a few connections
 * open, so a worker's batch goes out in parallel. The delivery id becomes the Message-ID (the
 * idempotency key: a receiver that sees the same Message-ID twice keeps one, as our local
 * SMTP peer does), and the unsubscribe link goes in the body and in List-Unsubscribe (RFC 8058
 * one-click). SMTP 4xx answers and lost connections are retryable; 5xx are not.
 */
import nodemailer from 'nodemailer';
import type { ChannelAdapter, OutgoingMessage, SendResult } from './channel';
import { closedFailure, networkFailure, SEND_TIMEOUT_MS } from './channel';

export interface EmailOptions {
  smtpUrl: string;
  from: string;
  /** Parallel SMTP connections (pooled). */
  connections?: number;
}

export const messageIdFor = (deliveryId: string) => `<${deliveryId}@plusone.delivery>`;

export function emailAdapter({ smtpUrl, from, connections = 4 }: EmailOptions): ChannelAdapter {
  const url = new URL(smtpUrl);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    // A local catcher speaks plain SMTP; a real relay offers STARTTLS and nodemailer takes it.
    ignoreTLS: url.searchParams.get('tls') === 'off',
    pool: true,
    maxConnections: connections,
    maxMessages: Infinity,
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
  });
  let closed = false;
  return {
    channel: 'email',
    async send(m: OutgoingMessage): Promise<SendResult> {
      if (closed) return closedFailure();
      try {
        const info = await transport.sendMail({
          from,
          to: m.to,
          subject: m.subject,
          text: `${m.body}\n\n--\nDon't want these emails? Unsubscribe: ${m.unsubscribeUrl}\n`,
          messageId: messageIdFor(m.deliveryId),
          headers: {
            'List-Unsubscribe': `<${m.unsubscribeUrl}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        });
        // "250 OK: queued as <id>" when the server names its queue id; else our Message-ID.
        const queued = /queued as\s+(\S+)/i.exec(info.response ?? '');
        return { ok: true, providerId: queued?.[1] ?? info.messageId };
      } catch (err) {
        const e = err as { responseCode?: number; response?: string; code?: string };
        if (typeof e.responseCode === 'number') {
          const permanent = e.responseCode >= 500;
          return {
            ok: false,
            retryable: !permanent,
            reason: permanent ? `the mail server refused the message: ${e.response ?? e.responseCode}` : `the mail server asked to try later: ${e.response ?? e.responseCode}`,
            code: String(e.responseCode),
          };
        }
        return networkFailure(err);
      }
    },
    async close() {
      closed = true;
      transport.close();
    },
  };
}
