import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError } from '../aws_error.js';
import type { EmulatorState } from '../emulator_state.js';
import { redshiftArns } from './redshift_arns.js';
import { type RedshiftClusterRecord, type ServerlessNamespaceRecord, type ServerlessWorkgroupRecord, redshiftStateOf } from './redshift_state.js';

/** Where a resource lives: AWS scopes Redshift resources to an account and a region. */
export interface ResourcePlace {
  accountId: string;
  region: string;
}

const keyOf = (place: ResourcePlace, name: string) => `${place.accountId}/${place.region}/${name}`;

/**
 * Adds a provisioned cluster, available at once (AWS takes minutes through `creating`). Shared by
 * the `CreateCluster` action and the emulator's admin path. Identifiers are stored in lower case,
 * as Redshift does.
 */
export function addCluster(
  state: EmulatorState,
  place: ResourcePlace,
  input: { clusterIdentifier: string; nodeType?: string; numberOfNodes?: number; masterUsername?: string; dbName?: string; port?: number },
  now: number,
): RedshiftClusterRecord {
  const id = input.clusterIdentifier.toLowerCase();
  const clusters = redshiftStateOf(state).clusters;
  const key = keyOf(place, id);
  if (clusters[key] !== undefined) throw new AwsError('ClusterAlreadyExists', 400, 'Cluster already exists');
  const cluster: RedshiftClusterRecord = {
    clusterIdentifier: id,
    accountId: place.accountId,
    region: place.region,
    nodeType: input.nodeType ?? 'ra3.xlplus',
    numberOfNodes: input.numberOfNodes ?? 1,
    masterUsername: input.masterUsername ?? 'admin',
    dbName: input.dbName ?? 'dev',
    address: `${id}.${randomBytes(6).toString('hex')}.${place.region}.redshift.amazonaws.com`,
    port: input.port ?? 5439,
    createTime: new Date(now).toISOString(),
  };
  clusters[key] = cluster;
  return cluster;
}

export function findCluster(state: EmulatorState, place: ResourcePlace, clusterIdentifier: string): RedshiftClusterRecord | undefined {
  return redshiftStateOf(state).clusters[keyOf(place, clusterIdentifier)];
}

/** Adds a Serverless namespace, available at once; its ARN carries a generated id, as AWS's do. */
export function addNamespace(
  state: EmulatorState,
  place: ResourcePlace,
  input: { namespaceName: string; dbName?: string; adminUsername?: string },
  now: number,
): ServerlessNamespaceRecord {
  const namespaces = redshiftStateOf(state).namespaces;
  const key = keyOf(place, input.namespaceName);
  if (namespaces[key] !== undefined) throw new AwsError('ConflictException', 400, `Namespace ${input.namespaceName} already exists.`);
  const id = randomUUID();
  const namespace: ServerlessNamespaceRecord = {
    namespaceName: input.namespaceName,
    namespaceId: id,
    namespaceArn: redshiftArns.namespace(place.region, place.accountId, id),
    accountId: place.accountId,
    region: place.region,
    dbName: input.dbName ?? 'dev',
    ...(input.adminUsername === undefined ? {} : { adminUsername: input.adminUsername }),
    creationDate: new Date(now).toISOString(),
  };
  namespaces[key] = namespace;
  return namespace;
}

export function findNamespace(state: EmulatorState, place: ResourcePlace, name: string): ServerlessNamespaceRecord | undefined {
  return redshiftStateOf(state).namespaces[keyOf(place, name)];
}

/** Adds a Serverless workgroup in an existing namespace, available at once with an endpoint. */
export function addWorkgroup(
  state: EmulatorState,
  place: ResourcePlace,
  input: { workgroupName: string; namespaceName: string; port?: number },
  now: number,
): ServerlessWorkgroupRecord {
  const redshift = redshiftStateOf(state);
  if (findNamespace(state, place, input.namespaceName) === undefined) {
    throw new AwsError('ResourceNotFoundException', 400, `Namespace ${input.namespaceName} not found.`);
  }
  const key = keyOf(place, input.workgroupName);
  if (redshift.workgroups[key] !== undefined) throw new AwsError('ConflictException', 400, `Workgroup ${input.workgroupName} already exists.`);
  const id = randomUUID();
  const workgroup: ServerlessWorkgroupRecord = {
    workgroupName: input.workgroupName,
    workgroupId: id,
    workgroupArn: redshiftArns.workgroup(place.region, place.accountId, id),
    namespaceName: input.namespaceName,
    accountId: place.accountId,
    region: place.region,
    address: `${input.workgroupName}.${place.accountId}.${place.region}.redshift-serverless.amazonaws.com`,
    port: input.port ?? 5439,
    creationDate: new Date(now).toISOString(),
  };
  redshift.workgroups[key] = workgroup;
  return workgroup;
}

export function findWorkgroup(state: EmulatorState, place: ResourcePlace, name: string): ServerlessWorkgroupRecord | undefined {
  return redshiftStateOf(state).workgroups[keyOf(place, name)];
}
