/**
 * Ids. Every write carries a client-generated UUIDv7 (time-ordered, 74 random bits), so a
 * retried push is recognised by its id and takes effect once. Validation only; generation
 * uses the `uuid` package on both sides.
 */
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID_ANY = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isUuidV7(value: string): boolean {
  return UUID_V7.test(value);
}

export function isUuid(value: string): boolean {
  return UUID_ANY.test(value);
}
