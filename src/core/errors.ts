/**
 * Every error rolebridge raises on purpose is a RolebridgeError: a stable snake_case `code` that
 * callers and tests match on, the HTTP status it maps to, and `details` that are safe to show.
 * Anything else that escapes is an internal error: logged, never echoed (see server/error_envelope).
 */
export class RolebridgeError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  /** Whether message and details may be shown to the caller. */
  readonly expose: boolean;

  constructor(
    code: string,
    message: string,
    options: { status?: number; details?: Record<string, unknown>; expose?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 400;
    this.details = options.details;
    this.expose = options.expose ?? true;
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** The caller sent something we cannot accept (400). `code` names what exactly. */
export class InvalidInputError extends RolebridgeError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: 400, ...(details ? { details } : {}) });
  }
}

export class NotFoundError extends RolebridgeError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: 404, ...(details ? { details } : {}) });
  }
}

export class ConflictError extends RolebridgeError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: 409, ...(details ? { details } : {}) });
  }
}

export class UnauthenticatedError extends RolebridgeError {
  constructor(code = 'unauthenticated', message = 'A valid bearer token is required.') {
    super(code, message, { status: 401 });
  }
}

export class ForbiddenError extends RolebridgeError {
  constructor(code = 'forbidden', message = 'This credential may not perform this operation.') {
    super(code, message, { status: 403 });
  }
}

/** The request was understood but the world refused it (422), e.g. a role that cannot be assumed. */
export class UnprocessableError extends RolebridgeError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: 422, ...(details ? { details } : {}) });
  }
}

/** A dependency (STS, the database) is unavailable (503). */
export class UnavailableError extends RolebridgeError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: 503, ...(details ? { details } : {}) });
  }
}

export function isRolebridgeError(value: unknown): value is RolebridgeError {
  return value instanceof RolebridgeError;
}
