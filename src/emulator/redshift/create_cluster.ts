import { ConstraintChecker } from '../constraints.js';
import type { ActionContext } from '../emulator_service.js';
import type { XmlValue } from '../xml_response.js';
import { redshiftArns } from './redshift_arns.js';
import { addCluster } from './redshift_resources.js';
import { type RedshiftClusterRecord, callerAccount } from './redshift_state.js';

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
  const account = callerAccount(context);
  context.authorize('redshift:CreateCluster', redshiftArns.cluster(context.region, account, (identifier as string).toLowerCase()));
  const cluster = addCluster(
    context.state,
    { accountId: account, region: context.region },
    {
      clusterIdentifier: identifier as string,
      nodeType: params.get('NodeType') as string,
      numberOfNodes: Number(params.get('NumberOfNodes') ?? '1'),
      masterUsername: params.get('MasterUsername') as string,
      ...(params.get('DBName') === undefined ? {} : { dbName: params.get('DBName') as string }),
      ...(params.get('Port') === undefined ? {} : { port: Number(params.get('Port')) }),
    },
    context.now,
  );
  context.markChanged();
  context.event.responseElements = { clusterIdentifier: cluster.clusterIdentifier };
  return { Cluster: clusterXml(cluster) };
}
