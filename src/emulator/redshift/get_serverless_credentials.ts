import { ConstraintChecker } from '../constraints.js';
import type { ActionContext } from '../emulator_service.js';
import { jsonNumberText, jsonString, withJsonErrors } from './serverless_errors.js';
import { SERVERLESS_NAME, requireWorkgroup } from './serverless_workgroups.js';
import { temporaryDbPassword } from './temporary_db_password.js';

/** JSON-protocol timestamps without a format trait are epoch seconds. */
const epochSeconds = (ms: number) => Math.floor(ms / 1000);

/**
 * `GetCredentials` (JSON 1.1, `RedshiftServerless.GetCredentials`): the workgroup is found by name
 * in the caller's account and region, then `redshift-serverless:GetCredentials` is checked on its
 * ARN. The database user is derived from the caller as Redshift Serverless does: `IAMR:<role>` for
 * a role session, `IAM:<user>` for an IAM user.
 */
export function getServerlessCredentials(context: ActionContext) {
  return withJsonErrors(() => {
    const name = jsonString(context, 'workgroupName');
    const duration = jsonNumberText(context, 'durationSeconds');
    new ConstraintChecker()
      .string(name, { member: 'workgroupName', required: true, min: 3, max: 64, pattern: SERVERLESS_NAME })
      .number(duration, { member: 'durationSeconds', min: 900, max: 3600 })
      .throwIfAny();
    const workgroup = requireWorkgroup(context, name as string);
    context.authorize('redshift-serverless:GetCredentials', workgroup.workgroupArn);
    const expiresAt = context.now + Number(duration ?? '900') * 1000;
    const dbUser = dbUserOf(context);
    context.event.responseElements = { dbUser, expiration: new Date(expiresAt).toISOString() };
    return {
      dbUser,
      dbPassword: temporaryDbPassword(),
      expiration: epochSeconds(expiresAt),
      // AWS refreshes well before expiry; half the lifetime is what clients see in practice.
      nextRefreshTime: epochSeconds(context.now + (expiresAt - context.now) / 2),
    };
  });
}

function dbUserOf(context: ActionContext): string {
  const caller = context.caller;
  if (caller?.kind === 'session') return `IAMR:${caller.session.roleName}`;
  if (caller?.kind === 'user') return `IAM:${caller.user.name}`;
  return 'IAM:root';
}
