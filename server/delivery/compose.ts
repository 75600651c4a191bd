/**
 * The words of an invitation message: the template of its channel and variant (the
 * experiments' `loadTemplate`), rendered with the shared `renderTemplate`. The invite link is
 * the tracked one (`/i/<code>`: counts the open, then shows `/invite/<code>`).
 */
import type { Channel } from '../../shared/invitation';
import { inviteLink } from '../../shared/links';
import { renderTemplate, type Template } from '../../shared/templates';
import type { Queryable } from '../db/db';
import { loadTemplate } from '../experiments/templates';
import type { OutgoingMessage } from './channels/channel';

export interface Links {
  /** Where links in messages point, without a trailing slash. */
  publicUrl: () => string;
}

export const unsubscribeLink = (base: string, token: string) => `${base}/unsubscribe/${encodeURIComponent(token)}`;
export const twilioCallbackLink = (base: string, deliveryId: string) => `${base}/hooks/twilio/status/${deliveryId}`;

export interface MessageFacts {
  deliveryId: string;
  channel: Channel;
  address: string;
  unsubscribeToken: string;
  inviteCode: string | null;
  variant: string;
  recipientName: string;
  inviterName: string;
  venue: string | null;
}

/** Loads each (channel, variant) template once per batch. */
export function templateCache(db: Queryable) {
  const cache = new Map<string, Promise<Template>>();
  return (channel: Channel, variant: string) => {
    const key = `${channel}:${variant}`;
    let t = cache.get(key);
    if (!t) cache.set(key, (t = loadTemplate(db, channel, variant)));
    return t;
  };
}

export function composeMessage(facts: MessageFacts, template: Template, base: string): OutgoingMessage {
  const link = facts.inviteCode ? inviteLink(base, facts.inviteCode) : `${base}/join`;
  const text = renderTemplate(template, {
    inviterName: facts.inviterName,
    venue: facts.venue ?? facts.inviterName,
    link,
    recipientName: facts.recipientName || 'there',
  });
  return {
    deliveryId: facts.deliveryId,
    to: facts.address,
    subject: text.subject,
    body: text.body,
    unsubscribeUrl: unsubscribeLink(base, facts.unsubscribeToken),
    statusCallbackUrl: facts.channel === 'sms' ? twilioCallbackLink(base, facts.deliveryId) : undefined,
  };
}
