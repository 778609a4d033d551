import { parseArn } from '../../policy/index.js';
import type { EmulatorState, RoleRecord } from '../emulator_state.js';

/**
 * The role a RoleArn names, with its account. Structure is checked loosely (the role's path may be
 * part of the ARN); the role must exist with exactly that ARN.
 */
export function roleFromArn(
  state: EmulatorState,
  roleArn: string,
): { accountId: string | undefined; role: RoleRecord | undefined; wellFormed: boolean } {
  const arn = parseArn(roleArn);
  const wellFormed = arn !== undefined && arn.service === 'iam' && /^\d{12}$/.test(arn.accountId) && arn.resource.startsWith('role/');
  if (!wellFormed) return { accountId: undefined, role: undefined, wellFormed };
  const name = arn.resource.split('/').pop() ?? '';
  const role = state.accounts[arn.accountId]?.roles[name.toLowerCase()];
  return { accountId: arn.accountId, role: role?.arn === roleArn ? role : undefined, wellFormed };
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` with partition, service and resource present. */
export function isWellFormedArn(text: string): boolean {
  const arn = parseArn(text);
  return arn !== undefined && arn.partition !== '' && arn.service !== '' && arn.resource !== '';
}
