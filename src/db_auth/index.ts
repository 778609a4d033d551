/** Database IAM auth on the broker's sessions: RDS auth tokens, Redshift (provisioned and serverless) credentials. */
export { createDbAuthService, type DbAuthService, type DbAuthServiceOptions, type IssuedDbCredentials } from './db_auth_service.js';
export {
  DB_ENGINES,
  REDSHIFT_DURATION,
  type DbAuthRequest,
  type DbCredentials,
  type DbEngine,
  type RdsTokenRequest,
  type RedshiftClusterRequest,
  type RedshiftServerlessRequest,
} from './db_auth_request.js';
export { parseDbAuthRequest, InvalidDbAuthRequestError, FIELDS_BY_ENGINE, REQUIRED_FIELDS_BY_ENGINE } from './parse_db_auth_request.js';
export { DatabaseIamAuthDisabledError, DATABASE_IAM_AUTH_DISABLED_MESSAGE } from './database_iam_auth_disabled_error.js';
export type { DatabaseCallFailure } from './database_call_error.js';
export { createRdsAuthToken, RDS_TOKEN_LIFETIME_MS, type RdsAuthToken, type RdsAuthTokenInput } from './rds_auth_token.js';
export type { DatabaseClientOptions } from './database_client_options.js';
