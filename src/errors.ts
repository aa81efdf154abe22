// Domain functions throw these; the routes turn them into a 404 page, a 409 with the current values, a
// 422 form with messages beside the fields, or the API's JSON error. Anything else is a bug (500).

export type FieldErrors = Record<string, string>;

export class NotFoundError extends Error {
  readonly status = 404;
  readonly code = 'not_found';
}

export class ConflictError<T = unknown> extends Error {
  readonly status = 409;
  constructor(
    message: string,
    readonly code: 'illegal_transition' | 'stale_version' | 'conflict',
    readonly current?: T,
  ) {
    super(message);
  }
}

export class ValidationError extends Error {
  readonly status = 422;
  readonly code = 'invalid';
  constructor(
    readonly fields: FieldErrors,
    message = 'Some fields need attention.',
  ) {
    super(message);
  }
}

/** A member whose role does not allow the action (a non-member gets a NotFoundError instead). */
export class ForbiddenError extends Error {
  readonly status = 403;
  readonly code = 'forbidden';
}

export type DomainError = NotFoundError | ConflictError | ValidationError | ForbiddenError;

export function isDomainError(e: unknown): e is DomainError {
  return (
    e instanceof NotFoundError ||
    e instanceof ConflictError ||
    e instanceof ValidationError ||
    e instanceof ForbiddenError
  );
}

/** A bug (a 500) as one JSON log line, tied to the request by its id. */
export function logBug(requestId: string | undefined, err: Error): void {
  console.error(
    JSON.stringify({ t: new Date().toISOString(), id: requestId, error: String(err), stack: err.stack }),
  );
}
