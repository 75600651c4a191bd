import { expect, it } from 'vitest';
import { v1 as uuidv1, v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import { isUuid, isUuidV7 } from './ids';

it('isUuidV7 accepts generated UUIDv7s only', () => {
  for (let i = 0; i < 100; i++) expect(isUuidV7(uuidv7())).toBe(true);
  expect(isUuidV7(uuidv4())).toBe(false);
  expect(isUuidV7(uuidv1())).toBe(false);
  expect(isUuidV7(uuidv7().toUpperCase())).toBe(false); // canonical lowercase, as PostgreSQL returns it
  expect(isUuidV7(`${uuidv7()}0`)).toBe(false);
  expect(isUuidV7('0190a6b2-1c3d-7e4f-c000-123456789abc')).toBe(false); // variant bits must be 10xx
});

it('isUuid accepts any RFC 4122 version and rejects malformed ids', () => {
  expect(isUuid(uuidv1())).toBe(true);
  expect(isUuid(uuidv4())).toBe(true);
  expect(isUuid(uuidv7())).toBe(true);
  expect(isUuid('00000000-0000-0000-0000-000000000000')).toBe(false);
  expect(isUuid('not-a-uuid')).toBe(false);
  expect(isUuid('')).toBe(false);
});
