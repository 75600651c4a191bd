/**
 * Delivery, installed into the app (server/delivery/README.md): the invite and callback routes
 * at once, and on `start` (when the server listens) the channel adapters and the workers.
 * A channel with no provider configured gets a local peer (server/test/providers) unless
 * DELIVERY_LOCAL_PEERS is false, or NODE_ENV is production with it on auto; in demo mode the
 * owner reads the caught mail at GET /api/dev/mailbox. DELIVERY_WORKERS=0 turns sending off
 * (tests that do not want it); the routes still work.
 */
import type { Express } from 'express';
import type { Channel } from '../../shared/invitation';
import type { Config } from '../config';
import type { Db } from '../db/db';
import type { Live } from '../live/socket';
import type { Logger } from '../log';
import type { SmtpPeer } from '../test/providers/smtp';
import type { TwilioPeer } from '../test/providers/twilio';
import type { WhatsAppPeer } from '../test/providers/whatsapp';
import type { MetricsPublisher } from '../viral/metricsPublisher';
import type { Applied } from './callbacks';
import type { ChannelAdapter } from './channels/channel';
import { emailAdapter } from './channels/email';
import { twilioAdapter } from './channels/twilio';
import { whatsappAdapter } from './channels/whatsapp';
import { installInviteRoutes } from './inviteRoutes';
import { guessLimiter, type GuessLimiter } from './limiter';
import type { LimiterStore } from '../limits/store';
import { startWorkers, type WorkerPool } from './pool';
import { installDeliveryRoutes } from './routes';

export interface DeliveryDeps {
  config: Config;
  db: Db;
  live: Live;
  metrics: MetricsPublisher;
  log: Logger;
  /** The shared rate-limit store: short-code guesses count across processes. */
  limits: LimiterStore;
  limiter?: GuessLimiter;
}

export interface LocalPeers {
  smtp?: SmtpPeer;
  twilio?: TwilioPeer;
  whatsapp?: WhatsAppPeer;
}

export interface Delivery {
  /** Starts adapters and workers once the server's port is known. */
  start(port: number, host?: string): Promise<void>;
  stop(): Promise<void>;
  kick(): void;
  readonly peers: LocalPeers;
  publicUrl(): string;
}

const hostFor = (host?: string) => (!host || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host);

export function installDelivery(app: Express, { config, db, live, metrics, log, limits, limiter }: DeliveryDeps): Delivery {
  let base = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
  const peers: LocalPeers = {};
  const adapters: Partial<Record<Channel, ChannelAdapter>> = {};
  let pool: WorkerPool | null = null;

  const publish = ({ docs, events }: Applied) => {
    if (docs.length > 0) live.invitationsChanged(docs);
    if (events.length > 0) live.eventsCreated(events);
    if (docs.length > 0 || events.length > 0) {
      const userIds = [...docs.map((d) => d.inviterId), ...events.flatMap((e) => [e.inviterId, e.actorId]).filter((id): id is string => !!id)];
      metrics.markDirty({ userIds: [...new Set(userIds)], emails: docs.map((d) => d.recipientEmail) });
    }
  };

  installDeliveryRoutes(app, {
    db,
    publicUrl: () => base,
    twilioAuthToken: () => config.TWILIO_AUTH_TOKEN ?? peers.twilio?.authToken,
    whatsappAppSecret: () => config.WHATSAPP_APP_SECRET ?? peers.whatsapp?.appSecret,
    whatsappVerifyToken: config.WHATSAPP_VERIFY_TOKEN,
    mailbox: () => peers.smtp,
    publish,
    kick: () => pool?.kick(),
  });
  installInviteRoutes(app, {
    db,
    inviteDays: config.INVITE_CODE_DAYS,
    shortDays: config.SHORT_CODE_DAYS,
    sessionDays: config.SESSION_DAYS,
    secureCookies: config.SECURE_COOKIES,
    publicUrl: config.PUBLIC_URL,
    sessionEnded: (token) => live.endSession(token),
    limiter: limiter ?? guessLimiter(limits),
    publish,
  });

  const localPeers = config.DELIVERY_LOCAL_PEERS === 'true' || (config.DELIVERY_LOCAL_PEERS === 'auto' && config.NODE_ENV !== 'production');

  async function startAdapters(): Promise<void> {
    if (config.SMTP_URL) adapters.email = emailAdapter({ smtpUrl: config.SMTP_URL, from: config.SMTP_FROM });
    else if (localPeers) {
      peers.smtp = await (await import('../test/providers/smtp')).startSmtpPeer();
      adapters.email = emailAdapter({ smtpUrl: peers.smtp.url, from: config.SMTP_FROM });
      log.info({ smtp: peers.smtp.url }, 'no SMTP_URL: email goes to the local mail catcher (owner: GET /api/dev/mailbox)');
    }
    if (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM) {
      adapters.sms = twilioAdapter({ apiUrl: config.TWILIO_API_URL, accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, from: config.TWILIO_FROM });
    } else if (localPeers) {
      const p = (peers.twilio = await (await import('../test/providers/twilio')).startTwilioPeer());
      adapters.sms = twilioAdapter({ apiUrl: p.url, accountSid: p.accountSid, authToken: p.authToken, from: p.from });
    }
    if (config.WHATSAPP_PHONE_NUMBER_ID && config.WHATSAPP_TOKEN) {
      adapters.whatsapp = whatsappAdapter({ apiUrl: config.WHATSAPP_API_URL, phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID, token: config.WHATSAPP_TOKEN });
    } else if (localPeers) {
      const p = (peers.whatsapp = await (await import('../test/providers/whatsapp')).startWhatsAppPeer());
      p.webhookUrl = `${base}/hooks/whatsapp`;
      adapters.whatsapp = whatsappAdapter({ apiUrl: p.url, phoneNumberId: p.phoneNumberId, token: p.token });
    }
  }

  return {
    peers,
    publicUrl: () => base,
    kick: () => pool?.kick(),
    async start(port, host) {
      if (!config.PUBLIC_URL) base = `http://${hostFor(host)}:${port}`;
      if (config.DELIVERY_WORKERS === 0) return;
      await startAdapters();
      pool = startWorkers(
        {
          db,
          adapters,
          policy: { baseMs: config.DELIVERY_RETRY_BASE_MS, maxMs: config.DELIVERY_RETRY_MAX_MS, maxAttempts: config.DELIVERY_MAX_ATTEMPTS },
          leaseMs: config.DELIVERY_LEASE_MS,
          batch: config.DELIVERY_BATCH,
          publicUrl: () => base,
          onChanged: (docs, events) => publish({ docs, events }),
        },
        { workers: config.DELIVERY_WORKERS, pollMs: config.DELIVERY_POLL_MS, log },
      );
    },
    async stop() {
      await pool?.stop();
      pool = null;
      await Promise.all(Object.values(adapters).map((a) => a.close()));
      await Promise.all(Object.values(peers).map((p) => p.close()));
    },
  };
}
