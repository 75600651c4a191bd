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

/** What was wrong with a request that Express or a body parser refused, in plain words. */
const parserProblems: Record<string, string> = {
  'entity.too.large': 'request body is too large',
  'entity.parse.failed': 'request body is not valid JSON',
  'charset.unsupported': 'request body is in a charset this server does not read (send UTF-8)',
  'encoding.unsupported': 'request body is in a content encoding this server does not read',
  'request.size.invalid': 'request body is not as long as its Content-Length says',
  'request.aborted': 'request body was cut short',
};

function requestProblem(err: { type?: unknown }): string {
  if (typeof err.type === 'string' && Object.hasOwn(parserProblems, err.type)) return parserProblems[err.type]!;
  if (err instanceof URIError) return 'the path is not valid percent-encoding';
  return 'the request is not valid';
}

/** Told of every unexpected error (a 500 answer), to record and count it (server/monitoring). */
export type ServerErrorListener = (err: unknown, req: Request) => void;

export function errorHandler(log: Logger, onServerError?: ServerErrorListener): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof HttpError) {
      res.set(err.headers).status(err.status).json(errorBody(err.code, err.message, err.details));
      return;
    }
    // Errors of Express itself and of the body parsers (malformed JSON, too large, a charset or
    // encoding they cannot read, a path that is not valid percent-encoding) carry a 4xx status.
    const status = typeof err?.status === 'number' ? err.status : 500;
    if (status >= 400 && status < 500) {
      res.status(400).json(errorBody(ErrorCode.INVALID_INPUT, requestProblem(err)));
      return;
    }
    // The request's own logger carries its request id.
    (req.log ?? log).error({ err, method: req.method, path: req.path }, 'request failed');
    onServerError?.(err, req);
    res.status(500).json(errorBody(ErrorCode.INTERNAL, errorText.INTERNAL));
  };
}
