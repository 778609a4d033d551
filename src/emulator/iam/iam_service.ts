import type { QueryService } from '../emulator_service.js';
import { oidcProviderActions } from './oidc_provider_actions.js';
import { roleActions } from './role_actions.js';
import { simulatePolicyActions } from './simulate_principal_policy.js';
import { userActions } from './user_actions.js';

/** IAM, Query protocol version 2010-05-08; every action is signed. */
export const iamService: QueryService = {
  protocol: 'query',
  signingName: 'iam',
  eventSource: 'iam.amazonaws.com',
  version: '2010-05-08',
  namespace: 'https://iam.amazonaws.com/doc/2010-05-08/',
  actions: { ...oidcProviderActions, ...roleActions, ...userActions, ...simulatePolicyActions },
};
