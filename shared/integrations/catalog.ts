/**
 * The published schemas (issue 7, point 10): one JSON Schema (draft 2020-12) per webhook event
 * (the whole CloudEvent), per metrics snapshot kind (the cached document with its typed data)
 * and per export row, generated from the zod schemas the code itself validates with, so a
 * schema can never drift from what is sent. `GET /api/schemas` lists them; `GET
 * /api/schemas/<name>` answers the latest version, `<name>.v<n>` a given one.
 *
 * Versioning: each schema has an id `urn:plusone:schema:<name>:v<n>`. A new optional field keeps
 * the version (consumers ignore fields they do not know, so object schemas do not forbid extra
 * properties); removing, renaming or retyping a field publishes a new version next to the old.
 */
import { z } from 'zod';
import { metricsKinds, snapshotData, type MetricsKind } from '../analytics/snapshots';
import { cloudEventSchema, schemaId } from './cloudEvents';
import { exportDatasets, exportRows, exportText } from './exports';
import { webhookEventText, webhookEventTypes } from './webhooks';

export type SchemaKind = 'event' | 'snapshot' | 'export';

export interface PublishedSchema {
  name: string;
  version: number;
  kind: SchemaKind;
  description: string;
  schema: z.ZodType;
}

const snapshotText: Record<MetricsKind, string> = {
  platform: 'Platform viral coefficient K for one window, with its parts, breakdowns, funnel and weekly trend (`platform:<days>`).',
  connectors: 'Super-connector leaderboard and the number of suppliers in each tier.',
  user: "One user's standing: super-connector tier, referrer, referral tree (3 levels) and referred revenue.",
  attribution: 'Referred revenue: total, direct and indirect, by referrer, channel, variant and month.',
  segments: 'Marketing segments with their member counts.',
  experiments: 'Template experiments: variants, weights and results.',
  alerts: "The owner's alerts.",
};

const snapshotDoc = (kind: MetricsKind) =>
  z.object({ id: z.string(), kind: z.literal(kind), computedAt: z.iso.datetime({ offset: true }), data: snapshotData[kind] });

export const publishedSchemas: readonly PublishedSchema[] = [
  ...webhookEventTypes.map((type) => ({ name: type, version: 1, kind: 'event' as const, description: webhookEventText[type], schema: cloudEventSchema(type) })),
  ...metricsKinds.map((kind) => ({ name: `snapshot.${kind}`, version: 1, kind: 'snapshot' as const, description: snapshotText[kind], schema: snapshotDoc(kind) })),
  ...exportDatasets.map((d) => ({ name: `export.${d}`, version: 1, kind: 'export' as const, description: exportText[d], schema: exportRows[d] })),
];

/** `name` (the latest version) or `name.v<n>`; undefined when there is no such schema. */
export function findSchema(ref: string): PublishedSchema | undefined {
  const pinned = /^(.+)\.v(\d+)$/.exec(ref);
  if (pinned) return publishedSchemas.find((s) => s.name === pinned[1] && s.version === Number(pinned[2]));
  return publishedSchemas.filter((s) => s.name === ref).sort((a, b) => b.version - a.version)[0];
}

/** The JSON Schema document of a published schema, with its id, title and description. */
export function toJsonSchema(s: PublishedSchema): Record<string, unknown> {
  const body = z.toJSONSchema(s.schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = body;
  return { $schema, $id: schemaId(s.name, s.version), title: `${s.name} v${s.version}`, description: s.description, ...rest };
}

/** The index entry of a schema (GET /api/schemas). */
export const schemaEntry = (s: PublishedSchema) => ({
  name: s.name,
  version: s.version,
  kind: s.kind,
  id: schemaId(s.name, s.version),
  description: s.description,
  url: `/api/schemas/${s.name}.v${s.version}`,
});
