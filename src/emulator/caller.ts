import type { SessionRecord, UserRecord } from './emulator_state.js';

/** Who signed a request, as resolved from its access key. */
export type Caller =
  | { kind: 'root'; accountId: string; accessKeyId: string; arn: string }
  | { kind: 'user'; accountId: string; accessKeyId: string; arn: string; user: UserRecord }
  | { kind: 'session'; accountId: string; accessKeyId: string; arn: string; session: SessionRecord };

export function rootArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

/** `arn:aws:sts::<acct>:assumed-role/<role>/<session>`; the role's path is not part of it. */
export function assumedRoleArn(accountId: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

/** GetCallerIdentity's `UserId`: account id, `AIDA…`, or `AROA…:<session>`. */
export function callerUserId(caller: Caller): string {
  switch (caller.kind) {
    case 'root':
      return caller.accountId;
    case 'user':
      return caller.user.userId;
    case 'session':
      return `${caller.session.roleId}:${caller.session.sessionName}`;
  }
}
