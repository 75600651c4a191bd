/**
 * Delivery's HTTP edge outside the API: provider status callbacks (signatures checked as the
 * providers sign them), the tracked invite link, and the unsubscribe page; and, for the owner,
 * the dead letters (with a retry) and in demo mode the local mailbox.
 *   POST /hooks/twilio/status/:deliveryId   Twilio StatusCallback (X-Twilio-Signature)
 *   GET  /hooks/whatsapp                    Meta's webhook verification (hub.challenge)
 *   POST /hooks/whatsapp                    WhatsApp status webhook (X-Hub-Signature-256)
 *   GET  /i/:inviteCode                     counts the open, then shows /invite/:inviteCode
 *   GET|POST /unsubscribe/:token            confirm page | opt out (also RFC 8058 one-click)
 *   GET  /api/delivery/dead-letters         owner: messages that could not be delivered
 *   POST /api/delivery/:id/retry            owner: send a dead letter again
 *   GET  /api/dev/mailbox                   owner, demo mode: mail the local SMTP peer caught
 */
import express, { type Express } from 'express';
import { INVITE_CODE_RE } from '../../shared/codes';
import { ErrorCode } from '../../shared/errors';
import { isUuid } from '../../shared/ids';
import { requireRole } from '../auth/routes';
import type { Db } from '../db/db';
import { HttpError } from '../http/errors';
import type { SmtpPeer } from '../test/providers/smtp';
import { applyStatus, markOpened, type Applied, type StatusUpdate } from './callbacks';
import { optOutByToken } from './outbox';
import { metaSignature, sameSignature, twilioSignature } from './signatures';

export interface DeliveryEdge {
  db: Db;
  publicUrl(): string;
  twilioAuthToken(): string | undefined;
  whatsappAppSecret(): string | undefined;
  whatsappVerifyToken: string | undefined;
  mailbox(): SmtpPeer | undefined;
  publish(applied: Applied): void;
  kick(): void;
}

const twilioStatus: Record<string, StatusUpdate['status']> = { queued: 'sent', sending: 'sent', sent: 'sent', delivered: 'delivered', read: 'delivered', undelivered: 'failed', failed: 'failed' };
const whatsappStatus: Record<string, StatusUpdate['status']> = { sent: 'sent', delivered: 'delivered', read: 'delivered', failed: 'failed' };

const UNSUBSCRIBE_TOKEN_RE = /^[A-Za-z0-9_-]{1,64}$/;

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head>` +
  `<body style="font-family:system-ui;max-width:32rem;margin:3rem auto;padding:0 1rem"><h1>${title}</h1>${body}</body></html>`;

export function installDeliveryRoutes(app: Express, edge: DeliveryEdge): void {
  app.post('/hooks/twilio/status/:deliveryId', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const token = edge.twilioAuthToken();
    const params = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    const url = edge.publicUrl() + req.originalUrl;
    if (!token || !sameSignature(twilioSignature(token, url, params), req.get('x-twilio-signature'))) {
      res.status(403).json({ error: { code: ErrorCode.FORBIDDEN, message: 'bad X-Twilio-Signature' } });
      return;
    }
    const status = twilioStatus[params.MessageStatus ?? ''];
    if (status && params.MessageSid) {
      const error = params.ErrorCode ? `Twilio error ${params.ErrorCode}` : undefined;
      edge.publish(await applyStatus(edge.db, { channel: 'sms', deliveryId: String(req.params.deliveryId), providerId: params.MessageSid, status, error }));
    }
    res.status(204).end();
  });

  app.get('/hooks/whatsapp', (req, res) => {
    const ok = req.query['hub.mode'] === 'subscribe' && !!edge.whatsappVerifyToken && req.query['hub.verify_token'] === edge.whatsappVerifyToken;
    if (ok) res.type('text/plain').send(String(req.query['hub.challenge'] ?? ''));
    else res.status(403).end();
  });

  app.post('/hooks/whatsapp', express.raw({ type: '*/*', limit: '1mb' }), async (req, res) => {
    const secret = edge.whatsappAppSecret();
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!secret || !sameSignature(metaSignature(secret, raw), req.get('x-hub-signature-256'))) {
      res.status(403).json({ error: { code: ErrorCode.FORBIDDEN, message: 'bad X-Hub-Signature-256' } });
      return;
    }
    let payload: { entry?: { changes?: { value?: { statuses?: { id: string; status: string; biz_opaque_callback_data?: string; errors?: { code: number; title?: string }[] }[] } }[] }[] };
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      res.status(400).end();
      return;
    }
    for (const entry of payload.entry ?? []) {
      for (const change of entry.changes ?? []) {
        for (const s of change.value?.statuses ?? []) {
          const status = whatsappStatus[s.status];
          if (!status || !s.id) continue;
          const e = s.errors?.[0];
          const error = e ? `WhatsApp error ${e.code}${e.title ? ` (${e.title})` : ''}` : undefined;
          edge.publish(await applyStatus(edge.db, { channel: 'whatsapp', deliveryId: s.biz_opaque_callback_data ?? null, providerId: s.id, status, error }));
        }
      }
    }
    // Meta retries anything but a 200 for days: answer 200 once the statuses are recorded.
    res.status(200).end();
  });

  app.get('/i/:code', async (req, res) => {
    const code = String(req.params.code);
    if (INVITE_CODE_RE.test(code)) edge.publish(await markOpened(edge.db, code));
    res.redirect(302, `/invite/${encodeURIComponent(code)}`);
  });

  app.get('/unsubscribe/:token', (_req, res) => {
    res.type('html').send(page('Stop messages from PlusOne?', `<p>We will not send invitations to this address again.</p>` +
      `<form method="post"><button type="submit" data-testid="confirm-unsubscribe">Unsubscribe</button></form>`));
  });
  app.post('/unsubscribe/:token', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    // Tokens are base64url (outbox.ts); anything else is not looked up (a NUL would fail the query).
    const token = String(req.params.token);
    const address = UNSUBSCRIBE_TOKEN_RE.test(token) ? await edge.db.transaction((tx) => optOutByToken(tx, token)) : null;
    if (!address) res.status(404).type('html').send(page('Link not recognised', '<p>This unsubscribe link is not valid.</p>'));
    else res.type('html').send(page('You are unsubscribed', '<p>PlusOne will not message you again.</p>'));
  });

  app.get('/api/delivery/dead-letters', async (req, res) => {
    requireRole(req, ['owner']);
    const rows = await edge.db.query(
      `SELECT d.id, d.invitation_id AS "invitationId", d.channel, d.attempts, d.last_error AS reason, d.updated_at AS "failedAt",
              u.name AS "inviterName", i.inviter_id AS "inviterId"
         FROM deliveries d JOIN invitations i ON i.id = d.invitation_id JOIN users u ON u.id = i.inviter_id
        WHERE d.state = 'dead' ORDER BY d.updated_at DESC LIMIT 200`,
    );
    res.json({ deadLetters: rows });
  });

  app.post('/api/delivery/:id/retry', async (req, res) => {
    requireRole(req, ['owner']);
    const id = String(req.params.id);
    if (!isUuid(id)) throw new HttpError(ErrorCode.NOT_FOUND);
    const rows = await edge.db.query(
      `UPDATE deliveries SET state = 'pending', attempts = 0, due_at = now(), updated_at = now()
        WHERE id = $1 AND state = 'dead' AND address NOT IN (SELECT address FROM delivery_opt_outs) RETURNING id`,
      [id],
    );
    if (rows.length === 0) throw new HttpError(ErrorCode.NOT_FOUND, 'no dead letter with this id (or its recipient opted out)');
    edge.kick();
    res.json({ ok: true });
  });

  app.get('/api/dev/mailbox', (req, res) => {
    requireRole(req, ['owner']);
    const box = edge.mailbox();
    if (!box) throw new HttpError(ErrorCode.NOT_FOUND, 'no local mailbox: this server sends through SMTP_URL');
    res.json({ smtpUrl: box.url, messages: box.messages.slice(-100).reverse().map(({ id, from, to, subject, receivedAt, raw }) => ({ id, from, to, subject, receivedAt, raw })) });
  });
}
