import { InvalidInputError, type ErrorCode } from '../core/index.js';

/**
 * A policy document we cannot read. `path` points at the offending element
 * (`Statement[1].Condition.StringLike`) so that a person can find it without re-reading the whole document.
 */
export class PolicyParseError extends InvalidInputError {
  readonly path: string;

  constructor(code: ErrorCode, message: string, path: string, extra: Record<string, unknown> = {}) {
    super(code, message, { path, ...extra });
    this.path = path;
  }
}
