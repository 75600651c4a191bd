import { expect, it } from 'vitest';
import { ErrorCode, errorStatus, errorText, isErrorCode } from './errors';

const codes = Object.values(ErrorCode);

it('every error code is its own name and has an HTTP error status and a sentence to show', () => {
  for (const code of codes) {
    expect(ErrorCode[code]).toBe(code);
    expect(errorStatus[code], code).toBeGreaterThanOrEqual(400);
    expect(errorStatus[code], code).toBeLessThan(600);
    expect(errorText[code], code).toMatch(/^[A-Z].{8,}[.:;]?/);
  }
  expect(Object.keys(errorStatus).sort()).toEqual([...codes].sort());
  expect(Object.keys(errorText).sort()).toEqual([...codes].sort());
});

it('the codes the protocol relies on keep their statuses', () => {
  expect(errorStatus.INVALID_INPUT).toBe(400);
  expect(errorStatus.UNAUTHENTICATED).toBe(401);
  expect(errorStatus.FORBIDDEN).toBe(403);
  expect(errorStatus.UNKNOWN_COLLECTION).toBe(404);
  expect(errorStatus.PROTOCOL_OUTDATED).toBe(426);
  expect(errorStatus.RATE_LIMITED).toBe(429);
  expect(errorStatus.NOT_READY).toBe(503);
});

it('isErrorCode recognises registered codes only, not object built-ins', () => {
  for (const code of codes) expect(isErrorCode(code)).toBe(true);
  for (const other of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'invalid_input', '', 42, null, undefined]) {
    expect(isErrorCode(other), String(other)).toBe(false);
  }
});
