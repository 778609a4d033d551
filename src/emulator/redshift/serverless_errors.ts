import { AwsError } from '../aws_error.js';
import type { ActionContext } from '../emulator_service.js';

/**
 * JSON-protocol services name their errors `…Exception`: the Query helpers' `ValidationError` and
 * `AccessDenied` become `ValidationException` and `AccessDeniedException` here, with the same text.
 * (The exact AccessDenied text of GetCredentials is unconfirmed — AWS-REFERENCE §10.17; IAM's
 * usual "User: … is not authorized to perform: … on resource: …" is used.)
 */
export function asJsonProtocolError(error: unknown): unknown {
  if (!(error instanceof AwsError)) return error;
  if (error.code === 'ValidationError') return new AwsError('ValidationException', 400, error.message);
  if (error.code === 'AccessDenied') return new AwsError('AccessDeniedException', 403, error.message);
  return error;
}

/** Runs a JSON-protocol action body, renaming Query-style errors. */
export async function withJsonErrors<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asJsonProtocolError(error);
  }
}

/** `ResourceNotFoundException` (400), as observed from GetCredentials (AWS-REFERENCE §7.3). */
export function workgroupNotFound(name: string): AwsError {
  return new AwsError('ResourceNotFoundException', 400, `Serverless workgroup ${name} not found.`);
}

/** Reads a string member of the JSON body; undefined when absent or not a string. */
export function jsonString(context: ActionContext, member: string): string | undefined {
  const value = context.json?.[member];
  return typeof value === 'string' ? value : undefined;
}

/** Reads a number member of the JSON body as the constraint checker's raw text. */
export function jsonNumberText(context: ActionContext, member: string): string | undefined {
  const value = context.json?.[member];
  return typeof value === 'number' ? String(value) : undefined;
}
