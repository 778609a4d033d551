import { callerUserId } from '../caller.js';
import type { ActionHandler } from '../emulator_service.js';

/** sts:GetCallerIdentity: needs no permission, works even under an explicit deny (AWS-REFERENCE §4.4). */
export const getCallerIdentity: ActionHandler = (context) => {
  const caller = context.caller!;
  return { UserId: callerUserId(caller), Account: caller.accountId, Arn: caller.arn };
};
