import { randomUUID } from 'node:crypto';
import { AwsError } from '../aws_error.js';
import { ConstraintChecker } from '../constraints.js';
import type { ActionContext } from '../emulator_service.js';
import { redshiftArns } from './redshift_arns.js';
import { type ServerlessNamespaceRecord, type ServerlessWorkgroupRecord, callerAccount, redshiftStateOf, resourceKey } from './redshift_state.js';
import { jsonNumberText, jsonString, withJsonErrors, workgroupNotFound } from './serverless_errors.js';

/** Namespace and workgroup names (API model): `^[a-z0-9-]+$`, 3–64. */
export const SERVERLESS_NAME = { text: '^[a-z0-9-]+$', regex: /^[a-z0-9-]+$/ };

function namespaceJson(namespace: ServerlessNamespaceRecord) {
  return {
    namespaceArn: namespace.namespaceArn,
    namespaceId: namespace.namespaceId,
    namespaceName: namespace.namespaceName,
    dbName: namespace.dbName,
    ...(namespace.adminUsername === undefined ? {} : { adminUsername: namespace.adminUsername }),
    status: 'AVAILABLE',
    creationDate: namespace.creationDate,
  };
}

/** `Workgroup` as GetWorkgroup returns it; `creationDate` is ISO-8601 (the model's date-time format). */
export function workgroupJson(workgroup: ServerlessWorkgroupRecord) {
  return {
    workgroupId: workgroup.workgroupId,
    workgroupArn: workgroup.workgroupArn,
    workgroupName: workgroup.workgroupName,
    namespaceName: workgroup.namespaceName,
    status: 'AVAILABLE',
    endpoint: { address: workgroup.address, port: workgroup.port },
    port: workgroup.port,
    creationDate: workgroup.creationDate,
  };
}

/** Finds a workgroup of the caller's account and region by name, or ResourceNotFoundException. */
export function requireWorkgroup(context: ActionContext, name: string): ServerlessWorkgroupRecord {
  const workgroup = redshiftStateOf(context.state).workgroups[resourceKey(context, name)];
  if (workgroup === undefined) throw workgroupNotFound(name);
  return workgroup;
}

/** `CreateNamespace`, reduced to what a workgroup needs; available at once. */
export function createNamespace(context: ActionContext) {
  return withJsonErrors(() => {
    const name = jsonString(context, 'namespaceName');
    new ConstraintChecker().string(name, { member: 'namespaceName', required: true, min: 3, max: 64, pattern: SERVERLESS_NAME }).throwIfAny();
    const account = callerAccount(context);
    const id = randomUUID();
    const arn = redshiftArns.namespace(context.region, account, id);
    context.authorize('redshift-serverless:CreateNamespace', arn);
    const namespaces = redshiftStateOf(context.state).namespaces;
    const key = resourceKey(context, name as string);
    if (namespaces[key] !== undefined) throw new AwsError('ConflictException', 400, `Namespace ${name as string} already exists.`);
    const adminUsername = jsonString(context, 'adminUsername');
    const namespace: ServerlessNamespaceRecord = {
      namespaceName: name as string,
      namespaceId: id,
      namespaceArn: arn,
      accountId: account,
      region: context.region,
      dbName: jsonString(context, 'dbName') ?? 'dev',
      ...(adminUsername === undefined ? {} : { adminUsername }),
      creationDate: new Date(context.now).toISOString(),
    };
    namespaces[key] = namespace;
    context.markChanged();
    return { namespace: namespaceJson(namespace) };
  });
}

/** `CreateWorkgroup` in an existing namespace; available at once with an endpoint. */
export function createWorkgroup(context: ActionContext) {
  return withJsonErrors(() => {
    const name = jsonString(context, 'workgroupName');
    const namespaceName = jsonString(context, 'namespaceName');
    new ConstraintChecker()
      .string(name, { member: 'workgroupName', required: true, min: 3, max: 64, pattern: SERVERLESS_NAME })
      .string(namespaceName, { member: 'namespaceName', required: true, min: 3, max: 64, pattern: SERVERLESS_NAME })
      .number(jsonNumberText(context, 'port'), { member: 'port', min: 5431, max: 5455 })
      .throwIfAny();
    const account = callerAccount(context);
    const id = randomUUID();
    const arn = redshiftArns.workgroup(context.region, account, id);
    context.authorize('redshift-serverless:CreateWorkgroup', arn);
    const state = redshiftStateOf(context.state);
    if (state.namespaces[resourceKey(context, namespaceName as string)] === undefined) {
      throw new AwsError('ResourceNotFoundException', 400, `Namespace ${namespaceName as string} not found.`);
    }
    const key = resourceKey(context, name as string);
    if (state.workgroups[key] !== undefined) throw new AwsError('ConflictException', 400, `Workgroup ${name as string} already exists.`);
    const workgroup: ServerlessWorkgroupRecord = {
      workgroupName: name as string,
      workgroupId: id,
      workgroupArn: arn,
      namespaceName: namespaceName as string,
      accountId: account,
      region: context.region,
      address: `${name as string}.${account}.${context.region}.redshift-serverless.amazonaws.com`,
      port: Number(jsonNumberText(context, 'port') ?? '5439'),
      creationDate: new Date(context.now).toISOString(),
    };
    state.workgroups[key] = workgroup;
    context.markChanged();
    return { workgroup: workgroupJson(workgroup) };
  });
}

/** `GetWorkgroup`: `redshift-serverless:GetWorkgroup` on the workgroup's ARN. */
export function getWorkgroup(context: ActionContext) {
  return withJsonErrors(() => {
    const name = jsonString(context, 'workgroupName');
    new ConstraintChecker().string(name, { member: 'workgroupName', required: true }).throwIfAny();
    const workgroup = requireWorkgroup(context, name as string);
    context.authorize('redshift-serverless:GetWorkgroup', workgroup.workgroupArn);
    return { workgroup: workgroupJson(workgroup) };
  });
}
