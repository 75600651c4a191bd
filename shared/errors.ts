/**
 * The one registry of error codes PlusOne speaks. The server answers errors as
 * `{ error: { code, message } }` with a code from here; the client shows the plain-words
 * message for a code. A code is never renamed once released: integrators match on it.
 */
export const ErrorCode = {
  INVALID_INPUT: 'INVALID_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  BAD_CREDENTIALS: 'BAD_CREDENTIALS',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  UNKNOWN_COLLECTION: 'UNKNOWN_COLLECTION',
  PROTOCOL_OUTDATED: 'PROTOCOL_OUTDATED',
  CONFLICT_RESOLVED: 'CONFLICT_RESOLVED',
  RATE_LIMITED: 'RATE_LIMITED',
  FRAUD_BLOCKED: 'FRAUD_BLOCKED',
  NOT_READY: 'NOT_READY',
  INTERNAL: 'INTERNAL',
  CODE_EXPIRED: 'CODE_EXPIRED',
  CODE_USED: 'CODE_USED',
  WRONG_PASSWORD: 'WRONG_PASSWORD',
  LAST_OWNER: 'LAST_OWNER',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status each code maps to. */
export const errorStatus: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  BAD_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  UNKNOWN_COLLECTION: 404,
  PROTOCOL_OUTDATED: 426,
  CONFLICT_RESOLVED: 409,
  RATE_LIMITED: 429,
  FRAUD_BLOCKED: 403,
  NOT_READY: 503,
  INTERNAL: 500,
  CODE_EXPIRED: 410,
  CODE_USED: 409,
  WRONG_PASSWORD: 403,
  LAST_OWNER: 409,
};

/** What a person reads when a code reaches the screen. */
export const errorText: Record<ErrorCode, string> = {
  INVALID_INPUT: 'Some of the details are not valid.',
  UNAUTHENTICATED: 'Please sign in again.',
  BAD_CREDENTIALS: 'That email and password do not match an account.',
  FORBIDDEN: 'Your account may not do this.',
  NOT_FOUND: 'We could not find that.',
  UNKNOWN_COLLECTION: 'This kind of data does not sync.',
  PROTOCOL_OUTDATED: 'This app is out of date: please update it.',
  CONFLICT_RESOLVED: 'Someone else changed this at the same time; the newest state was kept.',
  RATE_LIMITED: 'Too many requests for now; it will go through later.',
  FRAUD_BLOCKED: 'This was blocked by our safety checks.',
  NOT_READY: 'The service is starting; try again in a moment.',
  INTERNAL: 'Something went wrong on our side.',
  CODE_EXPIRED: 'This invitation has expired: ask for a new one.',
  CODE_USED: 'This invitation has already been used.',
  WRONG_PASSWORD: 'That password is not right: nothing was changed.',
  LAST_OWNER: 'The platform needs an owner: make another account owner before erasing this one.',
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  // Own keys only: `'toString' in errorStatus` is true through the prototype.
  return typeof value === 'string' && Object.hasOwn(errorStatus, value);
}
