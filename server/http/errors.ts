import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { z } from 'zod';
import { ErrorCode, errorStatus, errorText, type ErrorBody } from '../../shared/errors';
import type { Logger } from '../log';

/** An error with a code from the shared registry; becomes `{ error: { code, message } }`. */
export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = errorText[code],
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
  get status(): number {
    return errorStatus[this.code];
  }
}

export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Parses with a shared schema or throws INVALID_INPUT naming each bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = details[0];
  const message = first ? `${first.path || 'body'}: ${first.message}` : errorText.INVALID_INPUT;
  throw new HttpError(ErrorCode.INVALID_INPUT, message, details);
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(ErrorCode.NOT_FOUND, `no route for ${req.method} ${req.path}`));
};

/** Told of every unexpected error (a 500 answer), to record and count it (server/monitoring). */
export type ServerErrorListener = (err: unknown, req: Request) => void;

export function errorHandler(log: Logger, onServerError?: ServerErrorListener): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof HttpError) {
      res.set(err.headers).status(err.status).json(errorBody(err.code, err.message, err.details));
      return;
    }
    // body-parser errors (malformed JSON, too large) carry a 4xx status and `type`.
    const status = typeof err?.status === 'number' ? err.status : 500;
    if (status >= 400 && status < 500) {
      const message = err.type === 'entity.too.large' ? 'request body is too large' : 'request body is not valid JSON';
      res.status(400).json(errorBody(ErrorCode.INVALID_INPUT, message));
      return;
    }
    // The request's own logger carries its request id.
    (req.log ?? log).error({ err, method: req.method, path: req.path }, 'request failed');
    onServerError?.(err, req);
    res.status(500).json(errorBody(ErrorCode.INTERNAL, errorText.INTERNAL));
  };
}
