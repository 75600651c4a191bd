/**
 * The invite link a message carries, built in one place: delivery puts it in every email, SMS
 * and WhatsApp message (server/delivery/compose.ts) and the template editor's preview shows it
 * (client/screens/experiments/TemplateEditor.tsx), so the preview is the link people get.
 * It is the tracked link `/i/<code>`: the server counts the open, then shows `/invite/<code>`.
 * Pure.
 */

/** `base` is the site's public origin without a trailing slash. */
export const inviteLink = (base: string, inviteCode: string): string => `${base}/i/${encodeURIComponent(inviteCode)}`;
