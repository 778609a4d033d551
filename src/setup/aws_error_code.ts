import type { PermissionNeed } from './setup_errors.js';

/** The AWS error code of an SDK v3 failure (`NoSuchEntity`, `AccessDenied`), whatever the SDK named its class. */
export function awsErrorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { Code, name } = error as { Code?: unknown; name?: unknown };
  if (typeof Code === 'string') return Code;
  if (typeof name === 'string') return name.replace(/Exception$/, '');
  return undefined;
}

export function awsErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isAccessDenied(error: unknown): boolean {
  const code = awsErrorCode(error);
  return code === 'AccessDenied' || code === 'AccessDeniedException';
}

/** What an AccessDenied names: `User: … is not authorized to perform: iam:GetRole on resource: arn:…`. */
export function deniedNeed(error: unknown, fallback: PermissionNeed): PermissionNeed {
  const match = /not authorized to perform: (\S+) on resource: (\S+)/.exec(awsErrorMessage(error));
  return match ? { action: match[1]!, resource: match[2]! } : fallback;
}
