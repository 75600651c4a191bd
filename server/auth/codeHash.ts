/**
 * Invitation codes are kept only as their SHA-256 (migration 016): a copy of the database does
 * not hand out working invite links. The 128-bit invite code needs nothing slower: it cannot be
 * guessed from its hash. The 8-character short code (~39 bits) could be found from its hash by
 * trying them all, so hashing it only keeps it out of plain sight (dumps, logs, support tools);
 * what protects it is that it expires, only attributes a sign-up, and guesses are limited.
 * Hashed here, not in SQL, so the plain code never appears in a statement or its log.
 */
import { createHash } from 'node:crypto';

export const hashCode = (code: string): string => createHash('sha256').update(code, 'utf8').digest('hex');

export const hashCodeOrNull = (code: string | null | undefined): string | null => (code ? hashCode(code) : null);
