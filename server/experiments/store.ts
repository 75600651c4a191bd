/**
 * Experiments in PostgreSQL (migration 009): one per channel, its variants with weights and
 * templates. Reading the config every device needs, the owner's full view, and the owner's
 * changes: a template (validated by shared/templates.ts), the settings, a promotion (one
 * `experiment.promoted` event in the same transaction). The starter experiments (control and
 * variant_a, even split) are made at start from the shared default templates.
 */
import { z } from 'zod';
import { stickyVariant, type PriorAssignment } from '../../shared/experiments/assign';
import { CONTROL, ExperimentMode, VariantName, type ExperimentConfig } from '../../shared/experiments/config';
import { ErrorCode } from '../../shared/errors';
import type { ViralEventDoc } from '../../shared/events';
import { channels, type Channel } from '../../shared/invitation';
import { defaultTemplates, validateTemplate, type Template } from '../../shared/templates';
import type { Db, Queryable } from '../db/db';
import { HttpError } from '../http/errors';
import { recordEvent } from '../sync/events';

/** A second template to test against the default from day one. */
export const starterVariants: Record<Channel, Template> = {
  email: {
    subject: 'Your wedding circle is on PlusOne: join {{inviterName}}',
    body:
      'Hi {{recipientName}},\n\nYou worked with {{inviterName}} at {{venue}}. Couples and suppliers you trust are ' +
      'already on PlusOne: join them in one minute.\n\n{{link}}\n',
  },
  sms: { subject: '', body: '{{inviterName}} saved you a place on PlusOne. Join in a minute: {{link}}' },
  whatsapp: { subject: '', body: '{{inviterName}} from {{venue}} saved you a place on PlusOne 💍 Join in a minute: {{link}}' },
};

export interface VariantRow {
  name: string;
  weight: number;
  subject: string;
  body: string;
  updatedAt: string;
}

export interface ExperimentView extends ExperimentConfig {
  winner: string | null;
  winnerAt: string | null;
  promotedAt: string | null;
  startedAt: string;
  variants: VariantRow[];
}

interface ExperimentRow {
  channel: Channel;
  seed: string;
  mode: ExperimentConfig['mode'];
  threshold: number;
  status: ExperimentConfig['status'];
  default_variant: string;
  winner: string | null;
  winner_at: Date | null;
  promoted_at: Date | null;
  started_at: Date;
  updated_at: Date;
  variants: { name: string; weight: number; subject: string; body: string; updated_at: string }[];
}

/** Creates the starter experiment of each channel that has none (safe to run at every start). */
export async function ensureDefaultExperiments(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    for (const channel of channels) {
      const made = await tx.query(`INSERT INTO experiments (channel, seed) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING channel`, [
        channel,
        `${channel}-invite-1`,
      ]);
      if (made.length === 0) continue;
      for (const [name, t] of [[CONTROL, defaultTemplates[channel]], ['variant_a', starterVariants[channel]]] as const) {
        await tx.query(`INSERT INTO experiment_variants (channel, name, weight, subject, body) VALUES ($1, $2, 1, $3, $4)`, [
          channel, name, t.subject, t.body,
        ]);
      }
    }
  });
}

const SELECT_EXPERIMENTS = `
  SELECT e.*, coalesce((SELECT json_agg(json_build_object('name', v.name, 'weight', v.weight, 'subject', v.subject,
                                'body', v.body, 'updated_at', v.updated_at) ORDER BY v.name = 'control' DESC, v.name)
                          FROM experiment_variants v WHERE v.channel = e.channel), '[]'::json) AS variants
    FROM experiments e`;

const toView = (r: ExperimentRow): ExperimentView => ({
  channel: r.channel,
  seed: r.seed,
  mode: r.mode,
  threshold: r.threshold,
  status: r.status,
  defaultVariant: r.default_variant,
  updatedAt: r.updated_at.toISOString(),
  winner: r.winner,
  winnerAt: r.winner_at?.toISOString() ?? null,
  promotedAt: r.promoted_at?.toISOString() ?? null,
  startedAt: r.started_at.toISOString(),
  variants: r.variants.map((v) => ({ name: v.name, weight: v.weight, subject: v.subject, body: v.body, updatedAt: new Date(v.updated_at).toISOString() })),
});

/** Every experiment with its variants and templates, in channel order. */
export async function listExperiments(db: Queryable): Promise<ExperimentView[]> {
  const rows = await db.query<ExperimentRow>(`${SELECT_EXPERIMENTS} ORDER BY array_position(ARRAY['email', 'sms', 'whatsapp'], e.channel)`);
  return rows.map(toView);
}

export async function getExperiment(db: Queryable, channel: Channel): Promise<ExperimentView> {
  const [row] = await db.query<ExperimentRow>(`${SELECT_EXPERIMENTS} WHERE e.channel = $1`, [channel]);
  if (!row) throw new HttpError(ErrorCode.NOT_FOUND, `there is no experiment for ${channel}`);
  return toView(row);
}

/** What a device needs to assign (no templates). */
export const toConfig = (e: ExperimentView): ExperimentConfig => ({
  channel: e.channel,
  seed: e.seed,
  mode: e.mode,
  threshold: e.threshold,
  status: e.status,
  defaultVariant: e.defaultVariant,
  variants: e.variants.map((v) => ({ name: v.name, weight: v.weight })),
  updatedAt: e.updatedAt,
  startedAt: e.startedAt,
});

export async function readConfigs(db: Queryable): Promise<ExperimentConfig[]> {
  return (await listExperiments(db)).map(toConfig);
}

/**
 * The server's assignment: the same shared function over the config read from the database and
 * the inviter's latest invitation on the channel there (`latestAssignments`), so a returning
 * inviter keeps their variant when the weights move.
 */
export function serverAssign(configs: readonly ExperimentConfig[], channel: Channel, inviterId: string, prior: PriorAssignment | null = null): string {
  const experiment = configs.find((c) => c.channel === channel);
  return experiment ? stickyVariant(experiment, inviterId, prior) : CONTROL;
}

/** The inviter's latest invitation per channel (by counting time; withdrawn ones excluded): what they were assigned last. */
export async function latestAssignments(db: Queryable, inviterId: string): Promise<Map<Channel, PriorAssignment>> {
  const rows = await db.query<{ channel: Channel; variant: string; counted_at: Date }>(
    `SELECT DISTINCT ON (channel) channel, variant, counted_at FROM invitations
      WHERE inviter_id = $1 AND NOT deleted ORDER BY channel, counted_at DESC, id DESC`,
    [inviterId],
  );
  return new Map(rows.map((r) => [r.channel, { variant: r.variant, at: r.counted_at.toISOString() }]));
}

/** What the server assigns this inviter on every channel now. */
export async function assignmentsFor(db: Queryable, inviterId: string): Promise<Record<Channel, string>> {
  const [configs, latest] = await Promise.all([readConfigs(db), latestAssignments(db, inviterId)]);
  return Object.fromEntries(channels.map((c) => [c, serverAssign(configs, c, inviterId, latest.get(c) ?? null)])) as Record<Channel, string>;
}

export const VariantInput = z.strictObject({
  subject: z.string().max(1000).default(''),
  body: z.string().min(1).max(20_000),
  weight: z.number().min(0).max(1000).optional(),
});
export type VariantInput = z.infer<typeof VariantInput>;

/** Saves a variant's template (and weight); a new name adds a variant of weight 1. Refused with the template's problems. */
export async function saveVariant(db: Db, channel: Channel, name: string, input: VariantInput): Promise<ExperimentView> {
  if (!VariantName.safeParse(name).success) {
    throw new HttpError(ErrorCode.INVALID_INPUT, 'A variant name is lower case letters, digits and _, starting with a letter.', { problems: ['bad variant name'] });
  }
  const problems = validateTemplate(channel, input);
  if (problems.length > 0) throw new HttpError(ErrorCode.INVALID_INPUT, problems.join(' '), { problems });
  await db.transaction(async (tx) => {
    const existing = await getExperiment(tx, channel);
    if (!existing.variants.some((v) => v.name === name) && existing.variants.length >= 10) {
      throw new HttpError(ErrorCode.INVALID_INPUT, 'An experiment has at most 10 variants.', { problems: ['too many variants'] });
    }
    await tx.query(
      `INSERT INTO experiment_variants (channel, name, weight, subject, body) VALUES ($1, $2, coalesce($3, 1), $4, $5)
       ON CONFLICT (channel, name) DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body,
         weight = coalesce($3, experiment_variants.weight), updated_at = now()`,
      [channel, name, input.weight ?? null, input.subject, input.body],
    );
    await tx.query('UPDATE experiments SET updated_at = now() WHERE channel = $1', [channel]);
  });
  return getExperiment(db, channel);
}

export const SettingsInput = z.strictObject({
  mode: ExperimentMode.optional(),
  threshold: z.number().gt(0.5).lt(1).optional(),
  /** 'running' after a promotion starts a new round (winner cleared). */
  status: z.literal('running').optional(),
});

export async function saveSettings(db: Db, channel: Channel, input: z.infer<typeof SettingsInput>): Promise<ExperimentView> {
  await getExperiment(db, channel);
  await db.query(
    `UPDATE experiments SET mode = coalesce($2, mode), threshold = coalesce($3, threshold),
            status = coalesce($4, status),
            winner = CASE WHEN $4::text = 'running' AND status <> 'running' THEN NULL ELSE winner END,
            winner_at = CASE WHEN $4::text = 'running' AND status <> 'running' THEN NULL ELSE winner_at END,
            started_at = CASE WHEN $4::text = 'running' AND status <> 'running' THEN now() ELSE started_at END,
            updated_at = now()
      WHERE channel = $1`,
    [channel, input.mode ?? null, input.threshold ?? null, input.status ?? null],
  );
  return getExperiment(db, channel);
}

/** Makes a variant the default template: everyone gets it from now on; one event records it. */
export async function promoteVariant(db: Db, channel: Channel, variant: string, actorId: string, now: Date): Promise<{ experiment: ExperimentView; event: ViralEventDoc }> {
  const event = await db.transaction(async (tx) => {
    const before = await getExperiment(tx, channel);
    if (!before.variants.some((v) => v.name === variant)) {
      throw new HttpError(ErrorCode.INVALID_INPUT, `${channel} has no variant ${variant}`, { problems: [`no variant ${variant}`] });
    }
    await tx.query(
      `UPDATE experiments SET default_variant = $2, status = 'concluded', promoted_at = $3, updated_at = $3 WHERE channel = $1`,
      [channel, variant, now],
    );
    const stats = before.winner === variant ? { winnerAt: before.winnerAt } : {};
    return recordEvent(tx, {
      type: 'experiment.promoted',
      actorId,
      invitationId: null,
      inviterId: null,
      orgId: null,
      data: { channel, variant, previousDefault: before.defaultVariant, ...stats },
      capturedAt: now,
      countedAt: now,
      timeSource: 'server',
    });
  });
  return { experiment: await getExperiment(db, channel), event };
}
