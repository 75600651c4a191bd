/**
 * The marketing screen's words and the rule builder's form state, pure so they are tested
 * without a browser:
 * - `cardTitle` is `Super-Connectors (12 users)` (DESIGN §8, via the shared segmentTitle), or
 *   `Super-Connectors (fewer than 5 users)` when the count is under the privacy threshold.
 * - `describeRule` says a rule in words ("Couple connections ≥ 20 and Role is supplier").
 * - `ruleFromRows` turns what was typed into the rule sent to the server, without judging it:
 *   the server (the shared schema) says what is wrong, in the same words everywhere.
 */
import { isSuppressed, SUPPRESSED_LABEL } from '../../../shared/analytics/privacy';
import {
  segmentFieldInfo,
  segmentTitle,
  type SegmentField,
  type SegmentOperator,
  type SegmentRule,
} from '../../../shared/analytics/segments';
import { connectorTiers } from '../../../shared/analytics/superConnector';
import { roles } from '../../../shared/roles';

export function cardTitle(name: string, members: number): string {
  return isSuppressed(members) ? `${name} (${SUPPRESSED_LABEL} users)` : segmentTitle(name, members);
}

/**
 * What the marketing feed's rows are titled with: each segment and its count, as the cards have
 * them. The feed reads its changes again whenever this moves, so a title and the changes listed
 * under it come from the same moment (a count from a newer list over changes read before it
 * once titled a segment "5 users" over 4 joins, while an older card said "fewer than 5").
 */
export function segmentsKey(segments: readonly { id: string; members: number }[] | null): string {
  return segments?.map((s) => `${s.id}:${s.members}`).join(',') ?? '';
}

export const operatorText: Record<SegmentOperator, string> = {
  eq: 'is',
  neq: 'is not',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  in: 'is one of',
  exists: 'has a value',
  missing: 'has no value',
};

/** Operators that make sense for a field (the server refuses the others). */
export function operatorsFor(field: SegmentField): SegmentOperator[] {
  return segmentFieldInfo[field].kind === 'number'
    ? ['gte', 'gt', 'lte', 'lt', 'eq', 'neq', 'exists', 'missing']
    : ['eq', 'neq', 'in', 'exists', 'missing'];
}

/** The values a text field can take, for a select; null for free input. */
export function choicesFor(field: SegmentField): readonly string[] | null {
  if (field === 'role') return roles;
  if (field === 'tier') return connectorTiers;
  return null;
}

export const takesNoValue = (operator: SegmentOperator) => operator === 'exists' || operator === 'missing';

export function describeRule(rule: SegmentRule): string {
  return rule.conditions
    .map((c) => {
      const label = segmentFieldInfo[c.field].label;
      if (takesNoValue(c.operator)) return `${label} ${operatorText[c.operator]}`;
      const value = Array.isArray(c.value) ? c.value.join(', ') : String(c.value);
      return `${label} ${operatorText[c.operator]} ${value}`;
    })
    .join(` ${rule.combinator} `);
}

export interface ConditionRow {
  field: SegmentField;
  operator: SegmentOperator;
  /** As typed or picked; for `in`, values separated by commas. */
  value: string;
}

export const blankRow = (): ConditionRow => ({ field: 'connections', operator: 'gte', value: '' });

/** A row after its field changed: keeps the operator when it still fits, else the field's first. */
export function withField(row: ConditionRow, field: SegmentField): ConditionRow {
  const operators = operatorsFor(field);
  const operator = operators.includes(row.operator) ? row.operator : operators[0]!;
  const choices = choicesFor(field);
  return { field, operator, value: choices ? choices[0]! : '' };
}

function valueOf(row: ConditionRow): string | number | string[] | null {
  if (takesNoValue(row.operator)) return null;
  if (row.operator === 'in') return row.value.split(',').map((v) => v.trim()).filter(Boolean);
  const text = row.value.trim();
  if (segmentFieldInfo[row.field].kind === 'number' && text !== '' && Number.isFinite(Number(text))) return Number(text);
  return text;
}

export function ruleFromRows(combinator: 'and' | 'or', rows: readonly ConditionRow[]): unknown {
  return { combinator, conditions: rows.map((r) => ({ field: r.field, operator: r.operator, value: valueOf(r) })) };
}
