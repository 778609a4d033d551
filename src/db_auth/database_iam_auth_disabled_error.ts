import { RolebridgeError } from '../core/index.js';

/**
 * The exact text users of the platform this feature follows search for (seeds/004), so it is
 * kept byte for byte.
 */
export const DATABASE_IAM_AUTH_DISABLED_MESSAGE = 'AWS IAM database authentication is not enabled.';

/**
 * Database IAM authentication is off (`ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH` is not true).
 * 403, not 404: the route exists, this deployment refuses it.
 */
export class DatabaseIamAuthDisabledError extends RolebridgeError {
  constructor() {
    super('feature_disabled', DATABASE_IAM_AUTH_DISABLED_MESSAGE, {
      status: 403,
      details: { feature: 'awsDatabaseIamAuth', variable: 'ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH' },
    });
  }
}
