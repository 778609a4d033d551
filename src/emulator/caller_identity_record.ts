import type { Caller } from './caller.js';

/** CloudTrail's `userIdentity` for a signed caller. */
export function callerIdentityRecord(caller: Caller): Record<string, unknown> {
  const base = { arn: caller.arn, accountId: caller.accountId, accessKeyId: caller.accessKeyId };
  switch (caller.kind) {
    case 'root':
      return { type: 'Root', principalId: caller.accountId, ...base };
    case 'user':
      return { type: 'IAMUser', principalId: caller.user.userId, ...base, userName: caller.user.name };
    case 'session': {
      const { session } = caller;
      return {
        type: 'AssumedRole',
        principalId: `${session.roleId}:${session.sessionName}`,
        ...base,
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: session.roleId,
            arn: session.roleArn,
            accountId: session.accountId,
            userName: session.roleName,
          },
          ...(session.webIdentity === undefined
            ? {}
            : {
                webIdFederationData: {
                  federatedProvider: session.webIdentity.providerArn,
                  attributes: { aud: session.webIdentity.audience, sub: session.webIdentity.subject },
                },
              }),
          attributes: { creationDate: session.createDate, mfaAuthenticated: 'false' },
          ...(session.sourceIdentity === undefined ? {} : { sourceIdentity: session.sourceIdentity }),
        },
      };
    }
  }
}
