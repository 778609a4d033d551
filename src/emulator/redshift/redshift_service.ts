import type { QueryService } from '../emulator_service.js';
import { createCluster } from './create_cluster.js';
import { getClusterCredentials } from './get_cluster_credentials.js';

/** Redshift provisioned, Query protocol version 2012-12-01 (note the `http` namespace, as AWS sends it). */
export const redshiftService: QueryService = {
  protocol: 'query',
  signingName: 'redshift',
  eventSource: 'redshift.amazonaws.com',
  version: '2012-12-01',
  namespace: 'http://redshift.amazonaws.com/doc/2012-12-01/',
  actions: {
    CreateCluster: createCluster,
    GetClusterCredentials: getClusterCredentials,
  },
};
