/**
 * The template an invitation is sent with: its channel's experiment variant (the one recorded on
 * the invitation when it was made), else the experiment's default variant (after a promotion,
 * the winner), else the shared default template. Delivery renders the result with
 * `renderTemplate` from shared/templates.ts.
 */
import type { Queryable } from '../db/db';
import type { Channel } from '../../shared/invitation';
import { defaultTemplates, type Template } from '../../shared/templates';

export async function loadTemplate(db: Queryable, channel: Channel, variant: string): Promise<Template> {
  const rows = await db.query<{ subject: string; body: string }>(
    `SELECT v.subject, v.body
       FROM experiment_variants v JOIN experiments e ON e.channel = v.channel
      WHERE v.channel = $1 AND v.name IN ($2, e.default_variant)
      ORDER BY (v.name = $2) DESC
      LIMIT 1`,
    [channel, variant],
  );
  const row = rows[0];
  return row ? { subject: row.subject, body: row.body } : { ...defaultTemplates[channel] };
}
