import { AwsError } from '../aws_error.js';
import { ConstraintChecker } from '../constraints.js';
import type { ActionContext } from '../emulator_service.js';
import type { XmlValue } from '../xml_response.js';
import { redshiftArns } from './redshift_arns.js';
import { findCluster } from './redshift_resources.js';
import { callerAccount } from './redshift_state.js';
import { temporaryDbPassword } from './temporary_db_password.js';

/** Redshift's DbUser rule (API model): starts with a letter; letters, digits, `_ + . @ -`. */
const DB_USER = { text: '^[a-zA-Z][a-zA-Z0-9_+.@-]*$', regex: /^[a-zA-Z][a-zA-Z0-9_+.@-]*$/ };

/**
 * `GetClusterCredentials` (Query, 2012-12-01). Authorization comes first, as in AWS (a role
 * without the permission gets AccessDenied even for a cluster that does not exist):
 * `redshift:GetClusterCredentials` on the dbuser ARN, and on the dbname ARN when DbName is given;
 * `redshift:CreateClusterUser` on the dbuser ARN when AutoCreate is true; `redshift:JoinGroup` on
 * each dbgroup ARN. Then `ClusterNotFound` (404) `Cluster <id> not found.` (AWS-REFERENCE §7.2).
 */
export function getClusterCredentials(context: ActionContext): XmlValue {
  const { params } = context;
  const dbUser = params.get('DbUser');
  const clusterIdentifier = params.get('ClusterIdentifier');
  const duration = params.get('DurationSeconds');
  new ConstraintChecker()
    .string(dbUser, { member: 'dbUser', required: true, min: 1, max: 64, pattern: DB_USER })
    .string(clusterIdentifier, { member: 'clusterIdentifier', required: true })
    .number(duration, { member: 'durationSeconds', min: 900, max: 3600 })
    .throwIfAny();
  const user = dbUser as string;
  const cluster = clusterIdentifier as string;
  const dbName = params.get('DbName');
  const autoCreate = params.get('AutoCreate') === 'true';
  const groups = params.list('DbGroups').length > 0 ? params.list('DbGroups') : dbGroupsMembers(context);
  const account = callerAccount(context);
  const region = context.region;

  context.authorize('redshift:GetClusterCredentials', redshiftArns.dbUser(region, account, cluster, user));
  if (dbName !== undefined) context.authorize('redshift:GetClusterCredentials', redshiftArns.dbName(region, account, cluster, dbName));
  if (autoCreate) context.authorize('redshift:CreateClusterUser', redshiftArns.dbUser(region, account, cluster, user));
  for (const group of groups) context.authorize('redshift:JoinGroup', redshiftArns.dbGroup(region, account, cluster, group));

  // Identifiers are case-sensitive in this call (the model says so): no lower-casing here.
  if (findCluster(context.state, { accountId: account, region }, cluster) === undefined) {
    throw new AwsError('ClusterNotFound', 404, `Cluster ${cluster} not found.`);
  }
  const expiration = new Date(context.now + Number(duration ?? '900') * 1000);
  const result = { DbUser: `${autoCreate ? 'IAMA' : 'IAM'}:${user}`, DbPassword: temporaryDbPassword(), Expiration: expiration };
  // CloudTrail never records the password.
  context.event.responseElements = { dbUser: result.DbUser, expiration: expiration.toISOString() };
  return { DbUser: result.DbUser, Expiration: expiration, DbPassword: result.DbPassword };
}

/** The SDK sends the list as `DbGroups.DbGroup.N` (its locationName), not `DbGroups.member.N`. */
function dbGroupsMembers(context: ActionContext): string[] {
  const found: Array<[number, string]> = [];
  for (const [name, value] of context.params.entries()) {
    const match = /^DbGroups\.DbGroup\.(\d+)$/.exec(name);
    if (match) found.push([Number(match[1]), value]);
  }
  return found.sort(([a], [b]) => a - b).map(([, value]) => value);
}
