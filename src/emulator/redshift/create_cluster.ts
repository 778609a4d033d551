import { randomBytes } from 'node:crypto';
import { AwsError } from '../aws_error.js';
import { ConstraintChecker } from '../constraints.js';
import type { ActionContext } from '../emulator_service.js';
import type { XmlValue } from '../xml_response.js';
import { redshiftArns } from './redshift_arns.js';
import { type RedshiftClusterRecord, callerAccount, redshiftStateOf, resourceKey } from './redshift_state.js';

/** The `Cluster` structure as DescribeClusters/CreateCluster return it (the members we keep). */
export function clusterXml(cluster: RedshiftClusterRecord): XmlValue {
  return {
    ClusterIdentifier: cluster.clusterIdentifier,
    NodeType: cluster.nodeType,
    ClusterStatus: 'available',
    MasterUsername: cluster.masterUsername,
    DBName: cluster.dbName,
    Endpoint: { Address: cluster.address, Port: cluster.port },
    ClusterCreateTime: new Date(cluster.createTime),
    NumberOfNodes: cluster.numberOfNodes,
  };
}

/**
 * `CreateCluster`, reduced to what database credentials need: the cluster exists at once
 * (`available`; AWS takes minutes through `creating`) in the caller's account and region.
 * Lets tests and demos set up a cluster with the real SDK or CLI instead of an emulator-only path.
 */
export function createCluster(context: ActionContext): XmlValue {
  const { params } = context;
  const identifier = params.get('ClusterIdentifier');
  new ConstraintChecker()
    .string(identifier, { member: 'clusterIdentifier', required: true, min: 1, max: 63 })
    .string(params.get('NodeType'), { member: 'nodeType', required: true })
    .string(params.get('MasterUsername'), { member: 'masterUsername', required: true, min: 1, max: 128 })
    .number(params.get('Port'), { member: 'port', min: 1150, max: 65535 })
    .throwIfAny();
  const id = (identifier as string).toLowerCase(); // Redshift stores identifiers in lower case
  const account = callerAccount(context);
  context.authorize('redshift:CreateCluster', redshiftArns.cluster(context.region, account, id));
  const clusters = redshiftStateOf(context.state).clusters;
  const key = resourceKey(context, id);
  if (clusters[key] !== undefined) throw new AwsError('ClusterAlreadyExists', 400, 'Cluster already exists');
  const cluster: RedshiftClusterRecord = {
    clusterIdentifier: id,
    accountId: account,
    region: context.region,
    nodeType: params.get('NodeType') as string,
    numberOfNodes: Number(params.get('NumberOfNodes') ?? '1'),
    masterUsername: params.get('MasterUsername') as string,
    dbName: params.get('DBName') ?? 'dev',
    address: `${id}.${randomBytes(6).toString('hex')}.${context.region}.redshift.amazonaws.com`,
    port: Number(params.get('Port') ?? '5439'),
    createTime: new Date(context.now).toISOString(),
  };
  clusters[key] = cluster;
  context.markChanged();
  context.event.responseElements = { clusterIdentifier: id };
  return { Cluster: clusterXml(cluster) };
}
