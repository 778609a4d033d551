import { AwsError } from '../aws_error.js';
import type { EmulatorState } from '../emulator_state.js';
import { clusterXml } from './create_cluster.js';
import { type ResourcePlace, addCluster, addNamespace, addWorkgroup, findNamespace } from './redshift_resources.js';
import { redshiftStateOf } from './redshift_state.js';
import { SERVERLESS_NAME, namespaceJson, workgroupJson } from './serverless_workgroups.js';

/** The emulator's own JSON answer (not AWS's): `{error: {code, message}}` on failure, like the other admin paths. */
export interface AdminAnswer {
  status: number;
  body: unknown;
}

const CLUSTER_IDENTIFIER = /^[a-z][a-z0-9-]{0,62}$/i;

function problem(status: number, code: string, message: string): AdminAnswer {
  return { status, body: { error: { code, message } } };
}

function text(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function whole(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** `accountId` (default: the emulator's first account) and `region` (default us-east-1). */
function placeOf(state: EmulatorState, body: Record<string, unknown>): ResourcePlace | AdminAnswer {
  const accountId = text(body, 'accountId') ?? Object.keys(state.accounts)[0];
  if (accountId === undefined || state.accounts[accountId] === undefined) {
    return problem(400, 'unknown_account', `The emulator has no account ${accountId ?? ''}.`);
  }
  return { accountId, region: text(body, 'region') ?? 'us-east-1' };
}

/**
 * Admin paths for setting up Redshift without AWS credentials (tests, `rolebridge dev`):
 *  - `POST /_emulator/redshift/clusters` `{clusterIdentifier, accountId?, region?, dbName?, port?, masterUsername?, nodeType?}`
 *  - `POST /_emulator/redshift-serverless/workgroups` `{workgroupName, namespaceName?, accountId?, region?, dbName?, port?}`
 *    (the namespace, default `<workgroup>-ns`, is created when missing)
 *  - `GET` on both lists what exists.
 * Answers undefined for any other path so the caller can go on routing. The same resources can be
 * made with the real SDKs through `CreateCluster` and `CreateNamespace` + `CreateWorkgroup`.
 */
export function handleRedshiftAdminRequest(
  state: EmulatorState,
  request: { method: string; path: string; body: string },
  now: number,
): AdminAnswer | undefined {
  const route = `${request.method} ${request.path.replace(/\/+$/, '')}`;
  if (route === 'GET /_emulator/redshift/clusters') {
    return { status: 200, body: { clusters: Object.values(redshiftStateOf(state).clusters).map(clusterXml) } };
  }
  if (route === 'GET /_emulator/redshift-serverless/workgroups') {
    return { status: 200, body: { workgroups: Object.values(redshiftStateOf(state).workgroups).map(workgroupJson) } };
  }
  if (route !== 'POST /_emulator/redshift/clusters' && route !== 'POST /_emulator/redshift-serverless/workgroups') return undefined;

  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(request.body || '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return problem(400, 'invalid_body', 'The body must be a JSON object.');
    body = parsed as Record<string, unknown>;
  } catch {
    return problem(400, 'invalid_body', 'The body must be JSON.');
  }
  const place = placeOf(state, body);
  if ('status' in place) return place;
  try {
    if (route === 'POST /_emulator/redshift/clusters') {
      const clusterIdentifier = text(body, 'clusterIdentifier');
      if (clusterIdentifier === undefined || !CLUSTER_IDENTIFIER.test(clusterIdentifier)) {
        return problem(400, 'invalid_cluster', 'clusterIdentifier must be a letter, then letters, digits and hyphens (at most 63).');
      }
      const dbName = text(body, 'dbName');
      const port = whole(body, 'port');
      const masterUsername = text(body, 'masterUsername');
      const nodeType = text(body, 'nodeType');
      const cluster = addCluster(
        state,
        place,
        {
          clusterIdentifier,
          ...(dbName === undefined ? {} : { dbName }),
          ...(port === undefined ? {} : { port }),
          ...(masterUsername === undefined ? {} : { masterUsername }),
          ...(nodeType === undefined ? {} : { nodeType }),
        },
        now,
      );
      return { status: 201, body: { cluster: clusterXml(cluster), accountId: place.accountId, region: place.region } };
    }
    const workgroupName = text(body, 'workgroupName');
    if (workgroupName === undefined || !SERVERLESS_NAME.regex.test(workgroupName) || workgroupName.length < 3 || workgroupName.length > 64) {
      return problem(400, 'invalid_workgroup', 'workgroupName must be 3 to 64 of a-z, 0-9 and -.');
    }
    const namespaceName = text(body, 'namespaceName') ?? `${workgroupName}-ns`;
    if (!SERVERLESS_NAME.regex.test(namespaceName)) return problem(400, 'invalid_namespace', 'namespaceName must be a-z, 0-9 and -.');
    const dbName = text(body, 'dbName');
    const namespace =
      findNamespace(state, place, namespaceName) ?? addNamespace(state, place, { namespaceName, ...(dbName === undefined ? {} : { dbName }) }, now);
    const port = whole(body, 'port');
    const workgroup = addWorkgroup(state, place, { workgroupName, namespaceName, ...(port === undefined ? {} : { port }) }, now);
    return { status: 201, body: { workgroup: workgroupJson(workgroup), namespace: namespaceJson(namespace), accountId: place.accountId, region: place.region } };
  } catch (error) {
    if (error instanceof AwsError) return problem(error.code.includes('Exists') || error.code === 'ConflictException' ? 409 : 400, error.code, error.message);
    throw error;
  }
}
