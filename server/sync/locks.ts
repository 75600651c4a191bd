import type { Queryable } from '../db/db';
import { prepared } from '../db/prepared';

/**
 * Transaction-scoped advisory locks on ids, taken in one order. FOR UPDATE cannot lock a row
 * that does not exist yet, so two pushes of the same new write (two tabs, a retry) would both
 * insert it; with the id locked first, the second push waits for the first and then sees its row.
 */
export async function lockIds(tx: Queryable, namespace: number, ids: string[]): Promise<void> {
  await tx.query(
    prepared(`SELECT pg_advisory_xact_lock($2, k)
       FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest($1::text[]) AS id ORDER BY k) AS keys`),
    [ids, namespace],
  );
}
