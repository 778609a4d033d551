import type { QueryService } from '../emulator_service.js';
import { instanceProfileActions } from './instance_profile_actions.js';
import { managedPolicyActions } from './managed_policy_actions.js';
import { oidcProviderActions } from './oidc_provider_actions.js';
import { permissionsBoundaryActions } from './permissions_boundary.js';
import { roleActions } from './role_actions.js';
import { rolePolicyAttachmentActions } from './role_policy_attachment_actions.js';
import { roleTagActions } from './role_tag_actions.js';
import { simulatePolicyActions } from './simulate_principal_policy.js';
import { userActions } from './user_actions.js';

/** IAM, Query protocol version 2010-05-08; every action is signed. */
export const iamService: QueryService = {
  protocol: 'query',
  signingName: 'iam',
  eventSource: 'iam.amazonaws.com',
  version: '2010-05-08',
  namespace: 'https://iam.amazonaws.com/doc/2010-05-08/',
  actions: {
    ...oidcProviderActions,
    ...roleActions,
    ...roleTagActions,
    ...rolePolicyAttachmentActions,
    ...permissionsBoundaryActions,
    ...managedPolicyActions,
    ...instanceProfileActions,
    ...userActions,
    ...simulatePolicyActions,
  },
};
