import { GetCredentialsCommand, GetWorkgroupCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { SigningCredentials } from '../aws/index.js';
import { databaseCallErrorFrom, type DatabaseCallFailure } from './database_call_error.js';
import { sdkClientConfig, type DatabaseClientOptions } from './database_client_options.js';
import type { RedshiftServerlessRequest } from './db_auth_request.js';

export interface RedshiftServerlessCredentials {
  /** As Redshift Serverless returns it (`IAMR:<role>` for a role session). */
  username: string;
  password: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** The workgroup's endpoint, so a caller needs nothing else to connect. */
  host?: string;
  port?: number;
}

function incomplete(operation: DatabaseCallFailure['operation'], what: string) {
  return databaseCallErrorFrom(
    { name: 'IncompleteResponse', message: `${operation} answered without ${what}.`, $metadata: { httpStatusCode: 502 } },
    { service: 'redshift-serverless', operation },
  );
}

/**
 * Temporary database credentials for a Serverless workgroup: `redshift-serverless:GetWorkgroup`
 * for its endpoint, then `redshift-serverless:GetCredentials` (JSON 1.1), both signed by the SDK
 * with the connection's session.
 */
export async function getRedshiftServerlessCredentials(
  request: RedshiftServerlessRequest & { region: string },
  credentials: SigningCredentials,
  options: DatabaseClientOptions = {},
): Promise<RedshiftServerlessCredentials> {
  const client = new RedshiftServerlessClient(sdkClientConfig(request.region, credentials, options));
  let operation: DatabaseCallFailure['operation'] = 'GetWorkgroup';
  try {
    const { workgroup } = await client.send(new GetWorkgroupCommand({ workgroupName: request.workgroupName }));
    operation = 'GetCredentials';
    const answer = await client.send(
      new GetCredentialsCommand({
        workgroupName: request.workgroupName,
        durationSeconds: request.durationSeconds,
        ...(request.dbName === undefined ? {} : { dbName: request.dbName }),
      }),
    );
    if (answer.dbUser === undefined || answer.dbPassword === undefined || answer.expiration === undefined) {
      throw incomplete('GetCredentials', 'dbUser, dbPassword or expiration');
    }
    const host = workgroup?.endpoint?.address;
    const port = workgroup?.endpoint?.port ?? workgroup?.port;
    return {
      username: answer.dbUser,
      password: answer.dbPassword,
      expiresAt: answer.expiration.getTime(),
      ...(host === undefined ? {} : { host }),
      ...(port === undefined ? {} : { port }),
    };
  } catch (error) {
    throw databaseCallErrorFrom(error, { service: 'redshift-serverless', operation });
  } finally {
    client.destroy();
  }
}
