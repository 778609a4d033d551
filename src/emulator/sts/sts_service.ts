import type { QueryService } from '../emulator_service.js';
import { assumeRole } from './assume_role.js';
import { assumeRoleWithWebIdentity } from './assume_role_with_web_identity.js';
import { getCallerIdentity } from './get_caller_identity.js';

/** STS, Query protocol version 2011-06-15. AssumeRoleWithWebIdentity is unsigned, as in AWS. */
export const stsService: QueryService = {
  protocol: 'query',
  signingName: 'sts',
  eventSource: 'sts.amazonaws.com',
  version: '2011-06-15',
  namespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
  unsignedActions: new Set(['AssumeRoleWithWebIdentity']),
  actions: {
    AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
    AssumeRole: assumeRole,
    GetCallerIdentity: getCallerIdentity,
  },
};
