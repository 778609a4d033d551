import { ConstraintChecker } from '../constraints.js';
import type { ActionContext } from '../emulator_service.js';
import { redshiftArns } from './redshift_arns.js';
import { type ResourcePlace, addNamespace, addWorkgroup, findWorkgroup } from './redshift_resources.js';
import { type ServerlessNamespaceRecord, type ServerlessWorkgroupRecord, callerAccount } from './redshift_state.js';
import { jsonNumberText, jsonString, withJsonErrors, workgroupNotFound } from './serverless_errors.js';

/** Namespace and workgroup names (API model): `^[a-z0-9-]+$`, 3–64. */
export const SERVERLESS_NAME = { text: '^[a-z0-9-]+$', regex: /^[a-z0-9-]+$/ };

export function namespaceJson(namespace: ServerlessNamespaceRecord) {
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

function placeOf(context: ActionContext): ResourcePlace {
  return { accountId: callerAccount(context), region: context.region };
}

/** Finds a workgroup of the caller's account and region by name, or ResourceNotFoundException. */
export function requireWorkgroup(context: ActionContext, name: string): ServerlessWorkgroupRecord {
  const workgroup = findWorkgroup(context.state, placeOf(context), name);
  if (workgroup === undefined) throw workgroupNotFound(name);
  return workgroup;
}

/** `CreateNamespace`, reduced to what a workgroup needs; available at once. */
export function createNamespace(context: ActionContext) {
  return withJsonErrors(() => {
    const name = jsonString(context, 'namespaceName');
    new ConstraintChecker().string(name, { member: 'namespaceName', required: true, min: 3, max: 64, pattern: SERVERLESS_NAME }).throwIfAny();
    const place = placeOf(context);
    // The new namespace's id is not known before it exists; AWS authorizes creation on `namespace/*`.
    context.authorize('redshift-serverless:CreateNamespace', redshiftArns.namespace(place.region, place.accountId, '*'));
    const dbName = jsonString(context, 'dbName');
    const adminUsername = jsonString(context, 'adminUsername');
    const namespace = addNamespace(
      context.state,
      place,
      {
        namespaceName: name as string,
        ...(dbName === undefined ? {} : { dbName }),
        ...(adminUsername === undefined ? {} : { adminUsername }),
      },
      context.now,
    );
    context.markChanged();
    return { namespace: namespaceJson(namespace) };
  });
}

/** `CreateWorkgroup` in an existing namespace; available at once with an endpoint. */
export function createWorkgroup(context: ActionContext) {
  return withJsonErrors(() => {
    const name = jsonString(context, 'workgroupName');
    const namespaceName = jsonString(context, 'namespaceName');
    const port = jsonNumberText(context, 'port');
    new ConstraintChecker()
      .string(name, { member: 'workgroupName', required: true, min: 3, max: 64, pattern: SERVERLESS_NAME })
      .string(namespaceName, { member: 'namespaceName', required: true, min: 3, max: 64, pattern: SERVERLESS_NAME })
      .number(port, { member: 'port', min: 5431, max: 5455 })
      .throwIfAny();
    const place = placeOf(context);
    context.authorize('redshift-serverless:CreateWorkgroup', redshiftArns.workgroup(place.region, place.accountId, '*'));
    const workgroup = addWorkgroup(
      context.state,
      place,
      { workgroupName: name as string, namespaceName: namespaceName as string, ...(port === undefined ? {} : { port: Number(port) }) },
      context.now,
    );
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
