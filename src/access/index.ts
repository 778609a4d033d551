/**
 * Who is calling: the principals (admin API keys, the bootstrap admin key, workload secrets, set-up sessions)
 * and the checks that admit them.
 */
export { Authenticator, actorOf, bearerToken, workloadOf, type Principal, type SetupAccess } from './authentication.js';
export { ensureBootstrapAdminKey, type BootstrapResult } from './bootstrap_admin_key.js';
export {
  exchangeSetupCode,
  grantOf,
  issueSetupCode,
  SETUP_CODE_PREFIX,
  SETUP_CODE_TTL,
  SETUP_SESSION_PREFIX,
  SETUP_SESSION_TTL_SECONDS,
  type IssuedSetupCode,
  type SetupCodeRequest,
  type SetupGrant,
  type StartedSetupSession,
} from './setup_codes.js';
