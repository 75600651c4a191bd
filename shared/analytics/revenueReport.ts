/**
 * The owner's referred-revenue report (DESIGN §4, §6), from one row per booking by a referred
 * person. Pure: the server reads the rows (server/viral/attribution.ts), this decides every
 * figure and what is hidden.
 *
 * What counts:
 * - The total is every booking by someone who was referred, however deep in a chain.
 *   Direct: the booker's referrer was referred by nobody; indirect: further down a chain.
 * - A booking is credited to the referrers up to 3 levels above the booker (`creditUp`): their
 *   referrer as direct revenue, the next two as indirect. A booker 4 levels down counts in the
 *   total and for their 3 nearest referrers, not for the top of the chain.
 * - Channel and template variant are those of the invitation that brought the booker in;
 *   month is the booking's (UTC).
 *
 * What is hidden ("fewer than 5"). Every figure here is a sum of the referrers' direct revenue
 * ("atoms": each referred booker is in exactly one, their referrer's): the total is all of
 * them, the headline direct the atoms of referrers nobody referred, the headline indirect the
 * others, and a referrer's indirect the atoms of the referrers 1–2 levels below them (their
 * `through` set). The rule: a shown sum never leaves fewer than 5 people unexplained, that is,
 * the atoms in it that are not shown (under 5 people, or not among the 20 referrers listed)
 * hold 0 or at least 5 people together. For the headline sums a further atom is hidden
 * (the smallest shown) until that holds; a referrer's indirect is hidden instead. A referrer's
 * own total shows only beside both its parts. Channel, variant and month rows use
 * `protectBreakdown` beside the total. Combinations of several breakdowns are not audited.
 */
import { creditUp } from './attribution';
import { breakdownLabels, monthLabel, NOT_KNOWN } from './labels';
import { isSuppressed, protectBreakdown, protectParts, protectTotal } from './privacy';
import type { AttributionData, ReferrerRevenueRow, RevenueRow } from './snapshots';

/** Referrers listed in the report, the most credited first. */
export const REFERRERS_LISTED = 20;

/** One booking by a referred person. */
export interface ReferredBooking {
  coupleId: string;
  cents: number;
  /**
   * The booker's referrer and theirs, nearest first: at most 3. Fewer than 3 means the chain
   * ends there (the last one was referred by nobody).
   */
  referrers: ReadonlyArray<{ id: string; name: string }>;
  channel: string | null;
  variant: string | null;
  /** `YYYY-MM` of the booking (UTC). */
  month: string;
}

const dollars = (cents: number) => cents / 100;
/** The key of a booker who came in without an invitation on record. */
const UNKNOWN = 'unknown';

function breakdown(rows: readonly ReferredBooking[], keyOf: (r: ReferredBooking) => string, labelOf: (key: string) => string, total: number): RevenueRow[] {
  const groups = new Map<string, { people: Set<string>; cents: number }>();
  for (const r of rows) {
    const g = groups.get(keyOf(r)) ?? { people: new Set<string>(), cents: 0 };
    g.people.add(r.coupleId);
    g.cents += r.cents;
    groups.set(keyOf(r), g);
  }
  const plain = [...groups].map(([key, g]) => ({ key, label: labelOf(key), people: g.people.size, revenue: dollars(g.cents) }));
  return protectBreakdown(plain, { people: total }).map((r) =>
    r.suppressed ? { key: r.key, label: r.label, people: null, revenue: null, suppressed: true } : { ...r, suppressed: false },
  );
}

interface Atom {
  people: number;
  cents: number;
  hidden: boolean;
}

/**
 * Hides the smallest shown atoms of a shown sum (fewest people, then least revenue) until what
 * it leaves unexplained is 0 or ≥ 5 people.
 */
function settle(sum: readonly Atom[]): boolean {
  let changed = false;
  for (;;) {
    const missing = sum.filter((a) => a.hidden).reduce((s, a) => s + a.people, 0);
    if (missing === 0 || !isSuppressed(missing)) return changed;
    const shown = sum.filter((a) => !a.hidden);
    if (shown.length === 0) return changed; // the sum itself is then under 5 people, and hidden
    shown.reduce((best, a) => (a.people < best.people || (a.people === best.people && a.cents < best.cents) ? a : best)).hidden = true;
    changed = true;
  }
}

const unexplained = (ids: Iterable<string>, atoms: ReadonlyMap<string, Atom>) => {
  let n = 0;
  for (const id of ids) if (atoms.get(id)?.hidden) n += atoms.get(id)!.people;
  return n;
};

export function attributionReport(bookings: readonly ReferredBooking[]): AttributionData {
  const referrerOf = new Map<string, string | null>();
  const names = new Map<string, string>();
  const bookers = new Map<string, { cents: number; deeper: boolean }>();
  for (const b of bookings) {
    const chain = [b.coupleId, ...b.referrers.map((r) => r.id)];
    chain.slice(0, -1).forEach((id, i) => referrerOf.set(id, chain[i + 1]!));
    if (b.referrers.length < 3) referrerOf.set(chain.at(-1)!, null);
    for (const r of b.referrers) names.set(r.id, r.name);
    const booker = bookers.get(b.coupleId) ?? { cents: 0, deeper: b.referrers.length > 1 };
    booker.cents += b.cents;
    bookers.set(b.coupleId, booker);
  }
  const people = bookers.size;
  const sumCents = (xs: Iterable<{ cents: number }>) => [...xs].reduce((s, x) => s + x.cents, 0);

  // The headline: direct and indirect split the referred people.
  const parts = protectParts(
    [false, true].map((deeper) => {
      const part = [...bookers.values()].filter((b) => b.deeper === deeper);
      return { people: part.length, revenue: dollars(sumCents(part)) };
    }),
    { people },
  );
  const [direct, indirect] = parts.map((p) => (p.suppressed ? null : p.revenue));

  // Referrers: what each is credited with (in cents), the most credited listed.
  const credit = creditUp([...bookers].map(([userId, b]) => ({ userId, revenue: b.cents })), (id) => referrerOf.get(id) ?? null);
  const ranked = [...credit]
    .map(([id, c]) => ({ id, c, cents: c.levels.reduce((s, l) => s + l.revenue, 0) }))
    .sort((a, b) => b.cents - a.cents || a.id.localeCompare(b.id));
  const listed = new Set(ranked.slice(0, REFERRERS_LISTED).map((r) => r.id));
  const atoms = new Map<string, Atom & { root: boolean }>();
  for (const { id, c } of ranked) {
    const n = c.levels[0]!.people;
    if (n > 0) atoms.set(id, { people: n, cents: c.levels[0]!.revenue, hidden: !listed.has(id) || isSuppressed(n), root: referrerOf.get(id) === null });
  }
  // The headline's parts first: a complement found there often settles the total too.
  const sums = [
    ...(direct === null ? [] : [[...atoms.values()].filter((a) => a.root)]),
    ...(indirect === null ? [] : [[...atoms.values()].filter((a) => !a.root)]),
    ...(isSuppressed(people) ? [] : [[...atoms.values()]]),
  ].sort((a, b) => a.length - b.length);
  while (sums.map(settle).some(Boolean));

  const byReferrer: ReferrerRevenueRow[] = ranked.slice(0, REFERRERS_LISTED).map(({ id, c }) => {
    const l1 = c.levels[0]!;
    const deeper = c.levels.slice(1);
    const below = { people: deeper.reduce((s, l) => s + l.people, 0), revenue: deeper.reduce((s, l) => s + l.revenue, 0) };
    const rowPeople = l1.people + below.people;
    const [p1, p2] = protectParts([l1, below], { people: rowPeople });
    const directShown = !p1!.suppressed && !(atoms.get(id)?.hidden ?? false);
    const missing = unexplained(c.through, atoms);
    const indirectShown = !p2!.suppressed && (missing === 0 || !isSuppressed(missing));
    const whole = directShown && indirectShown && !isSuppressed(rowPeople);
    return {
      key: id,
      label: names.get(id) ?? id,
      people: whole ? rowPeople : null,
      revenue: whole ? dollars(l1.revenue + below.revenue) : null,
      direct: directShown ? dollars(l1.revenue) : null,
      indirect: indirectShown ? dollars(below.revenue) : null,
      suppressed: !whole,
    };
  });

  return {
    ...protectTotal(people, { total: dollars(sumCents(bookers.values())), referredPeople: people }),
    direct: direct!,
    indirect: indirect!,
    byReferrer,
    byChannel: breakdown(bookings, (r) => r.channel ?? UNKNOWN, (k) => (k === UNKNOWN ? NOT_KNOWN : breakdownLabels.channel(k)), people),
    byVariant: breakdown(bookings, (r) => r.variant ?? UNKNOWN, (k) => (k === UNKNOWN ? NOT_KNOWN : breakdownLabels.variant(k)), people),
    byMonth: breakdown(bookings, (r) => r.month, monthLabel, people).sort((a, b) => a.key.localeCompare(b.key)),
  };
}
