/**
 * How a breakdown value reads in a table ("Email", not "email"): one wording for the K tables
 * and the revenue tables. A value with no wording of its own is shown as it is.
 */

export const NOT_KNOWN = 'Not known';

const channels: Record<string, string> = { email: 'Email', sms: 'SMS', whatsapp: 'WhatsApp' };

export const breakdownLabels = {
  actor: (v: string) => (v === 'supplier' ? 'Suppliers' : v === 'couple' ? 'Couples' : v),
  channel: (v: string) => channels[v] ?? v,
  variant: (v: string) => v.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
  experiment: (v: string) => v,
} as const;

const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `2026-03` → `March 2026`; anything else as it is. */
export function monthLabel(yearMonth: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(yearMonth);
  const name = m ? months[Number(m[2]) - 1] : undefined;
  return m && name ? `${name} ${m[1]}` : yearMonth;
}
