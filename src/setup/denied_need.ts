import { awsErrorMessage } from '../aws/index.js';
import type { PermissionNeed } from './setup_errors.js';

/** What an AccessDenied names: `User: … is not authorized to perform: iam:GetRole on resource: arn:…`. */
export function deniedNeed(error: unknown, fallback: PermissionNeed): PermissionNeed {
  const match = /not authorized to perform: (\S+) on resource: (\S+)/.exec(awsErrorMessage(error));
  return match ? { action: match[1]!, resource: match[2]! } : fallback;
}
