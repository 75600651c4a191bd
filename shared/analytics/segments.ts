/**
 * Marketing segments (DESIGN §4) as rules over a user's profile: one schema and one evaluator
 * for the built-in segments and the custom ones marketing writes.
 *
 * - A rule is 1–10 conditions joined by `and` or `or`. A condition that cannot mean anything
 *   (gt on a text field, a word where a number is due, an unknown role) fails to parse, with a
 *   message that names the field and the operator ("connections needs a number for gt").
 * - `exists` / `missing` test whether a field has a value. A field with no value (null) never
 *   satisfies any comparison, neq included: "dormant" (more than 30 days since the last
 *   invitation) therefore never holds for someone who has not invited at all.
 * - Member lists and membership changes are sorted user ids, so equal inputs give equal output.
 */
import { z } from 'zod';
import { roles, type Role } from '../roles';
import { connectorTiers, type ConnectorTier } from './superConnector';

export const SegmentField = z.enum([
  'role',
  'tier',
  'connections',
  'invitations30d',
  'accepted30d',
  'k30d',
  'daysSinceLastInvitation',
  'daysSinceReferred',
  'referralDepth',
  'referredRevenue',
  'bookings',
]);
export type SegmentField = z.infer<typeof SegmentField>;

export const segmentFieldInfo: Record<SegmentField, { label: string; kind: 'number' | 'text' }> = {
  role: { label: 'Role', kind: 'text' },
  tier: { label: 'Super-connector tier', kind: 'text' },
  connections: { label: 'Couple connections', kind: 'number' },
  invitations30d: { label: 'Invitations (30 days)', kind: 'number' },
  accepted30d: { label: 'Accepted invitations (30 days)', kind: 'number' },
  k30d: { label: 'Viral coefficient K (30 days)', kind: 'number' },
  daysSinceLastInvitation: { label: 'Days since last invitation', kind: 'number' },
  daysSinceReferred: { label: 'Days since referred', kind: 'number' },
  referralDepth: { label: 'Referral chain depth', kind: 'number' },
  referredRevenue: { label: 'Referred revenue ($)', kind: 'number' },
  bookings: { label: 'Bookings', kind: 'number' },
};

/** The values a text field can take, so a typo in a rule fails to parse instead of matching no one. */
const textValues: Partial<Record<SegmentField, readonly string[]>> = { role: roles, tier: connectorTiers };

export interface SegmentProfile {
  userId: string;
  name: string;
  email: string;
  role: Role;
  tier: ConnectorTier | null;
  connections: number;
  invitations30d: number;
  accepted30d: number;
  k30d: number;
  daysSinceLastInvitation: number | null;
  daysSinceReferred: number | null;
  referralDepth: number;
  referredRevenue: number;
  bookings: number;
}

export const SegmentOperator = z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'exists', 'missing']);
export type SegmentOperator = z.infer<typeof SegmentOperator>;

const numericOperators: ReadonlySet<SegmentOperator> = new Set(['gt', 'gte', 'lt', 'lte']);

type ConditionValue = number | string | string[] | null;

/** Why a condition is meaningless, or null when it is fine. */
function conditionProblem(field: SegmentField, operator: SegmentOperator, value: ConditionValue): string | null {
  const kind = segmentFieldInfo[field].kind;
  if (operator === 'exists' || operator === 'missing') {
    return value === null ? null : `${operator} takes no value: set value to null`;
  }
  if (numericOperators.has(operator)) {
    if (kind === 'text') return `${field} is text, so ${operator} cannot compare it: use eq, neq, in, exists or missing`;
    return typeof value === 'number' && Number.isFinite(value) ? null : `${field} needs a number for ${operator}`;
  }
  if (operator === 'in') {
    if (kind === 'number') return `${field} is a number, so in cannot be used: use eq or gt/gte/lt/lte`;
    if (!Array.isArray(value) || value.length === 0) return `${field} needs a list of values for in`;
  } else if (kind === 'number') {
    return typeof value === 'number' && Number.isFinite(value) ? null : `${field} needs a number for ${operator}`;
  } else if (typeof value !== 'string') {
    return `${field} needs a text value for ${operator}`;
  }
  const allowed = textValues[field];
  const given = Array.isArray(value) ? value : [value];
  const unknown = allowed ? given.filter((v) => typeof v !== 'string' || !allowed.includes(v)) : [];
  return unknown.length === 0 ? null : `${field} must be one of ${allowed!.join(', ')} (got ${unknown.join(', ')})`;
}

export const SegmentCondition = z
  .strictObject({
    field: SegmentField,
    operator: SegmentOperator,
    value: z.union([z.number(), z.string(), z.array(z.string()).max(20), z.null()]),
  })
  .superRefine((c, ctx) => {
    const problem = conditionProblem(c.field, c.operator, c.value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['value'] });
  });
export type SegmentCondition = z.infer<typeof SegmentCondition>;

export const SegmentRule = z.strictObject({
  combinator: z.enum(['and', 'or']),
  conditions: z.array(SegmentCondition).min(1).max(10),
});
export type SegmentRule = z.infer<typeof SegmentRule>;

export const SegmentDefinition = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{2,40}$/, 'id: 2–40 lowercase letters, digits or dashes'),
  name: z.string().trim().min(2).max(60),
  rule: SegmentRule,
});
export type SegmentDefinition = z.infer<typeof SegmentDefinition>;

/** The four segments every installation has (DESIGN §4). Parsed here, so they are valid rules. */
export const builtInSegments: SegmentDefinition[] = [
  {
    id: 'super-connectors',
    name: 'Super-Connectors',
    rule: { combinator: 'and', conditions: [{ field: 'tier', operator: 'exists', value: null }] },
  },
  {
    id: 'high-viral-activity',
    name: 'High Viral Activity',
    rule: {
      combinator: 'and',
      conditions: [
        { field: 'k30d', operator: 'gte', value: 1.2 },
        { field: 'invitations30d', operator: 'gte', value: 5 },
      ],
    },
  },
  {
    id: 'dormant-inviters',
    name: 'Dormant Inviters',
    rule: { combinator: 'and', conditions: [{ field: 'daysSinceLastInvitation', operator: 'gt', value: 30 }] },
  },
  {
    id: 'newly-referred',
    name: 'Newly Referred',
    rule: { combinator: 'and', conditions: [{ field: 'daysSinceReferred', operator: 'lte', value: 30 }] },
  },
].map((def) => SegmentDefinition.parse(def));

function matchesCondition(profile: SegmentProfile, c: SegmentCondition): boolean {
  const actual: string | number | null | undefined = profile[c.field];
  const present = actual !== null && actual !== undefined;
  if (c.operator === 'exists') return present;
  if (c.operator === 'missing') return !present;
  if (!present) return false;
  switch (c.operator) {
    case 'eq':
      return actual === c.value;
    case 'neq':
      return actual !== c.value;
    case 'in':
      return Array.isArray(c.value) && typeof actual === 'string' && c.value.includes(actual);
  }
  if (typeof actual !== 'number' || typeof c.value !== 'number') return false;
  switch (c.operator) {
    case 'gt':
      return actual > c.value;
    case 'gte':
      return actual >= c.value;
    case 'lt':
      return actual < c.value;
    case 'lte':
      return actual <= c.value;
  }
}

export function matchesRule(profile: SegmentProfile, rule: SegmentRule): boolean {
  return rule.combinator === 'and'
    ? rule.conditions.every((c) => matchesCondition(profile, c))
    : rule.conditions.some((c) => matchesCondition(profile, c));
}

const sortedUnique = (ids: Iterable<string>) => [...new Set(ids)].sort();

/** The user ids in the segment, sorted, each once. */
export function segmentMembers(profiles: readonly SegmentProfile[], def: SegmentDefinition): string[] {
  return sortedUnique(profiles.filter((p) => matchesRule(p, def.rule)).map((p) => p.userId));
}

/** Who joined and who left between two member lists, each sorted. */
export function membershipChanges(
  before: readonly string[],
  after: readonly string[],
): { joined: string[]; left: string[] } {
  const was = new Set(before);
  const is = new Set(after);
  return {
    joined: sortedUnique(after.filter((id) => !was.has(id))),
    left: sortedUnique(before.filter((id) => !is.has(id))),
  };
}

/** "Super-Connectors (12 users)", "High Viral Activity (1 user)". */
export function segmentTitle(name: string, count: number): string {
  return `${name} (${count} ${count === 1 ? 'user' : 'users'})`;
}
