/**
 * Message templates per channel (email, SMS, WhatsApp), the one place that knows how an
 * invitation's words are made and what each channel accepts.
 *  - Variables are written `{{name}}` (spaces inside the braces allowed); only
 *    `templateVariables` exist. `renderTemplate` replaces each with its value and never leaves
 *    braces behind (a missing value renders as an empty string).
 *  - `validateTemplate` lists, in plain words, why a template cannot be saved: an unknown or
 *    unclosed variable, no `{{link}}` in the body, an email without a subject, or a body over the
 *    channel's limit. Limits are checked on the body as it would be sent, rendered with long
 *    sample values (`sampleVars`), so a template that passes still fits with a real link.
 *  - SMS length follows GSM 03.38: a body of GSM-7 characters takes 160 characters in one
 *    segment and 153 per segment when split (extension characters like `€ [ ] { }` count twice);
 *    anything else is UCS-2, 70 in one segment and 67 per segment (astral characters count as
 *    two UTF-16 units). At most `SMS_MAX_SEGMENTS` segments.
 * Pure: no IO. Imported by the server (delivery renders with it) and the client (live preview).
 */
import type { Channel } from './invitation';

export interface Template {
  /** Email only; SMS and WhatsApp ignore it. */
  subject: string;
  body: string;
}

export const templateVariables = ['inviterName', 'venue', 'link', 'recipientName'] as const;
export type TemplateVariable = (typeof templateVariables)[number];
export type TemplateVars = Partial<Record<TemplateVariable, string>>;

export const SMS_MAX_SEGMENTS = 3;
export const WHATSAPP_MAX_BODY = 1024; // Meta's limit for a template message body
export const EMAIL_MAX_SUBJECT = 150;
export const EMAIL_MAX_BODY = 10_000;

/** Long, realistic values used to check a template's length as it would be sent. */
export const sampleVars: Record<TemplateVariable, string> = {
  inviterName: 'The Ritz London Events Team',
  venue: 'The Ritz London, Piccadilly',
  link: 'https://plusone.example/invite/AbCdEfGhIjKlMnOpQrStUv',
  recipientName: 'Alexandra & Christopher',
};

export const defaultTemplates: Record<Channel, Template> = {
  email: {
    subject: '{{inviterName}} invites you to PlusOne',
    body:
      'Hi {{recipientName}},\n\n{{inviterName}} from {{venue}} would love you to join PlusOne, ' +
      'where couples and wedding suppliers find each other.\n\nAccept your invitation: {{link}}\n',
  },
  sms: {
    subject: '',
    body: '{{inviterName}} ({{venue}}) invites you to PlusOne: {{link}}',
  },
  whatsapp: {
    subject: '',
    body: 'Hi {{recipientName}}! {{inviterName}} from {{venue}} invites you to PlusOne. Accept here: {{link}}',
  },
};

const VAR_RE = /\{\{\s*([^{}]*?)\s*\}\}/g;

const isVariable = (name: string): name is TemplateVariable =>
  (templateVariables as readonly string[]).includes(name);

/** The variable names a text uses, in order of first appearance (unknown ones included). */
export function variablesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(VAR_RE)) {
    const name = m[1] ?? '';
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

function renderText(text: string, vars: TemplateVars): string {
  return text.replace(VAR_RE, (_all, name: string) => (isVariable(name) ? (vars[name] ?? '') : ''));
}

/** The template with every variable replaced by its value. */
export function renderTemplate(t: Template, vars: TemplateVars): Template {
  return { subject: renderText(t.subject, vars), body: renderText(t.body, vars) };
}

// GSM 03.38 basic character set (one septet each) and its extension table (two septets each).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('^{}\\[~]|€\f');

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
  /** Units one segment holds at this length (160/153 or 70/67). */
  perSegment: number;
}

/** How an SMS body is encoded and how many segments it takes. */
export function smsLength(text: string): SmsLength {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM_BASIC.has(ch)) septets += 1;
    else if (GSM_EXTENSION.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  const [units, single, multi, encoding] = gsm
    ? ([septets, 160, 153, 'GSM-7'] as const)
    : ([text.length, 70, 67, 'UCS-2'] as const);
  const segments = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / multi);
  return { encoding, units, segments, perSegment: segments > 1 ? multi : single };
}

function variableProblems(field: string, text: string): string[] {
  const problems: string[] = [];
  for (const name of variablesIn(text)) {
    if (!isVariable(name)) {
      problems.push(
        `The ${field} uses an unknown variable {{${name}}}; the variables are ${templateVariables.map((v) => `{{${v}}}`).join(', ')}.`,
      );
    }
  }
  const leftover = text.replace(VAR_RE, '');
  if (leftover.includes('{{') || leftover.includes('}}')) {
    problems.push(`The ${field} has unmatched braces; write variables like {{inviterName}}.`);
  }
  return problems;
}

/** Why this template cannot be used on this channel, in plain words; empty when it can. */
export function validateTemplate(channel: Channel, t: Template): string[] {
  const problems: string[] = [];
  if (channel === 'email') problems.push(...variableProblems('subject', t.subject));
  problems.push(...variableProblems('body', t.body));
  if (!variablesIn(t.body).includes('link')) {
    problems.push('The body must include the invite link, {{link}}.');
  }
  const sent = renderTemplate(t, sampleVars);
  if (sent.body.trim() === '') problems.push('The body is empty.');
  if (channel === 'email') {
    if (sent.subject.trim() === '') problems.push('An email needs a subject.');
    if (sent.subject.length > EMAIL_MAX_SUBJECT) {
      problems.push(`The subject is too long: ${sent.subject.length} characters with a long name, over ${EMAIL_MAX_SUBJECT}.`);
    }
    if (sent.body.length > EMAIL_MAX_BODY) {
      problems.push(`The body is too long: ${sent.body.length} characters, over ${EMAIL_MAX_BODY}.`);
    }
  } else if (channel === 'sms') {
    const len = smsLength(sent.body);
    if (len.segments > SMS_MAX_SEGMENTS) {
      problems.push(
        `The SMS is too long: ${len.units} ${len.encoding} characters with a real link and names make ` +
          `${len.segments} segments, over the limit of ${SMS_MAX_SEGMENTS}` +
          (len.encoding === 'UCS-2' ? ' (a character outside the GSM alphabet, such as an emoji or curly quote, limits each segment to 67).' : '.'),
      );
    }
  } else if (sent.body.length > WHATSAPP_MAX_BODY) {
    problems.push(`The WhatsApp message is too long: ${sent.body.length} characters with a real link and names, over ${WHATSAPP_MAX_BODY}.`);
  }
  return problems;
}
