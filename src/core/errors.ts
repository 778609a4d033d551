import type { ErrorCode } from './error_codes.js';

/**
 * Every error rolebridge raises on purpose is a RolebridgeError: a stable snake_case `code` from the
 * catalogue (error_codes.ts) that callers and tests match on, the HTTP status it maps to, and `details`
 * that are safe to show. Anything else that escapes is an internal error: logged, never echoed (see
 * server/error_envelope). `Code` is widened only where a code of another system passes through as it is
 * (the emulator's AWS wire codes, a remote rolebridge's answer read by the set-up client).
 */
export class RolebridgeError<Code extends string = ErrorCode> extends Error {
  readonly code: Code;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  /** Whether message and details may be shown to the caller. */
  readonly expose: boolean;

  constructor(
    code: Code,
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

  toJSON(): { code: Code; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** The caller sent something we cannot accept (400). `code` names what exactly. */
export class InvalidInputError extends RolebridgeError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: 400, ...(details ? { details } : {}) });
  }
}

export class NotFoundError extends RolebridgeError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: 404, ...(details ? { details } : {}) });
  }
}

export class ConflictError extends RolebridgeError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: 409, ...(details ? { details } : {}) });
  }
}

export class UnauthenticatedError extends RolebridgeError {
  constructor(code: ErrorCode = 'unauthenticated', message = 'A valid bearer token is required.') {
    super(code, message, { status: 401 });
  }
}

export class ForbiddenError extends RolebridgeError {
  constructor(code: ErrorCode = 'forbidden', message = 'This credential may not perform this operation.') {
    super(code, message, { status: 403 });
  }
}

/** The request was understood but the world refused it (422), e.g. a role that cannot be assumed. */
export class UnprocessableError extends RolebridgeError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: 422, ...(details ? { details } : {}) });
  }
}

/** A dependency (STS, the database) is unavailable (503). */
export class UnavailableError extends RolebridgeError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, { status: 503, ...(details ? { details } : {}) });
  }
}

/** Any RolebridgeError, including those carrying another system's code (compare `code` as a string). */
export function isRolebridgeError(value: unknown): value is RolebridgeError<string> {
  return value instanceof RolebridgeError;
}
