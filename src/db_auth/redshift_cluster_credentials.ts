import { GetClusterCredentialsCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import type { SigningCredentials } from '../aws/index.js';
import { databaseCallErrorFrom } from './database_call_error.js';
import { sdkClientConfig, type DatabaseClientOptions } from './database_client_options.js';
import type { RedshiftClusterRequest } from './db_auth_request.js';

export interface RedshiftClusterCredentials {
  /** As Redshift returns it: `IAM:<user>`, or `IAMA:<user>` when AutoCreate was true. */
  username: string;
  password: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * Temporary database credentials for a provisioned cluster: `redshift:GetClusterCredentials`
 * (Query protocol, 2012-12-01) signed by the SDK with the connection's session.
 */
export async function getRedshiftClusterCredentials(
  request: RedshiftClusterRequest & { region: string },
  credentials: SigningCredentials,
  options: DatabaseClientOptions = {},
): Promise<RedshiftClusterCredentials> {
  const client = new RedshiftClient(sdkClientConfig(request.region, credentials, options));
  try {
    const answer = await client.send(
      new GetClusterCredentialsCommand({
        ClusterIdentifier: request.clusterIdentifier,
        DbUser: request.dbUser,
        DurationSeconds: request.durationSeconds,
        ...(request.dbName === undefined ? {} : { DbName: request.dbName }),
        ...(request.autoCreate === undefined ? {} : { AutoCreate: request.autoCreate }),
        ...(request.dbGroups === undefined ? {} : { DbGroups: request.dbGroups }),
      }),
    );
    if (answer.DbUser === undefined || answer.DbPassword === undefined || answer.Expiration === undefined) {
      throw databaseCallErrorFrom(
        { name: 'IncompleteResponse', message: 'GetClusterCredentials answered without DbUser, DbPassword or Expiration.', $metadata: { httpStatusCode: 502 } },
        { service: 'redshift', operation: 'GetClusterCredentials' },
      );
    }
    return { username: answer.DbUser, password: answer.DbPassword, expiresAt: answer.Expiration.getTime() };
  } catch (error) {
    throw databaseCallErrorFrom(error, { service: 'redshift', operation: 'GetClusterCredentials' });
  } finally {
    client.destroy();
  }
}
