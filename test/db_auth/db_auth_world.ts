import { IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateClusterCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { CreateNamespaceCommand, CreateWorkgroupCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { FIRST_ROLE_ARN, PARTNER_ACCOUNT, startBrokerWorld, twoHopConnection, type BrokerWorld } from '../server/credentials_fixture.js';

/**
 * The broker's world (rolebridge server + AWS emulator with two accounts, tenant `acme`, a
 * workload, a two-hop chain into the partner account with an ExternalId) plus, in the partner's
 * account, a Redshift cluster `analytics`, a Serverless workgroup `reporting`, and a policy on the
 * partner role allowing `etl_user` on the cluster (database `dev`) and GetCredentials/GetWorkgroup
 * on the workgroup. Connections: `partner-db` (the two hops) and `first-only` (the first role,
 * which may not call Redshift). The server's Redshift clients find the emulator through the
 * standard AWS_ENDPOINT_URL_REDSHIFT / AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS variables, exactly as
 * a deployment would be pointed at them.
 */
export const PARTNER = PARTNER_ACCOUNT.accountId;

export interface DbAuthAnswer {
  engine: string;
  username: string;
  password: string;
  expiresAt: string;
  host?: string;
  port?: number;
}
export interface ErrorAnswer {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
export interface RecordedEvent {
  eventName: string;
  eventSource: string;
  recipientAccountId?: string;
  userIdentity?: { arn?: string };
  requestParameters?: Record<string, unknown>;
}

export interface DbAuthWorld {
  world: BrokerWorld;
  workgroupArn: string;
  dbToken(body: Record<string, unknown>): Promise<{ status: number; body: DbAuthAnswer & ErrorAnswer }>;
  /** Emulator events of Redshift and Redshift Serverless named `eventName`, oldest first. */
  redshiftEvents(eventName: string): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL_REDSHIFT', 'AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS'] as const;

export async function startDbAuthWorld(): Promise<DbAuthWorld> {
  const world = await startBrokerWorld();
  const saved = ENDPOINT_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of ENDPOINT_VARIABLES) process.env[name] = world.emulator.url;

  const credentials = { accessKeyId: PARTNER_ACCOUNT.accessKeyId, secretAccessKey: PARTNER_ACCOUNT.secretAccessKey };
  const client = { endpoint: world.emulator.url, region: 'us-east-1', credentials, maxAttempts: 1 };
  const redshift = new RedshiftClient(client);
  const serverless = new RedshiftServerlessClient(client);
  const iam = new IAMClient(client);
  await redshift.send(new CreateClusterCommand({ ClusterIdentifier: 'analytics', NodeType: 'ra3.xlplus', MasterUsername: 'admin', MasterUserPassword: 'Secret123!' }));
  await serverless.send(new CreateNamespaceCommand({ namespaceName: 'lake' }));
  const created = await serverless.send(new CreateWorkgroupCommand({ workgroupName: 'reporting', namespaceName: 'lake' }));
  const workgroupArn = created.workgroup!.workgroupArn!;
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'partner-athena',
      PolicyName: 'databases',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'redshift:GetClusterCredentials',
            // With DbName, AWS also checks the dbname resource.
            Resource: [
              `arn:aws:redshift:us-east-1:${PARTNER}:dbuser:analytics/etl_user`,
              `arn:aws:redshift:us-east-1:${PARTNER}:dbname:analytics/dev`,
              // a cluster that does not exist: the role may ask, Redshift answers ClusterNotFound
              `arn:aws:redshift:us-east-1:${PARTNER}:dbuser:retired/etl_user`,
            ],
          },
          { Effect: 'Allow', Action: ['redshift-serverless:GetCredentials', 'redshift-serverless:GetWorkgroup'], Resource: workgroupArn },
        ],
      }),
    }),
  );
  for (const sdk of [redshift, serverless, iam]) sdk.destroy();

  for (const connection of [
    twoHopConnection(world, 'partner-db'),
    { name: 'first-only', roleArn: FIRST_ROLE_ARN, region: 'us-east-1', tokenConfig: 'aws', workload: world.workload.id },
  ]) {
    const answer = await world.api('POST', '/api/v1/tenants/acme/connections', connection);
    if (answer.status !== 201) throw new Error(`connection ${String(connection.name)}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  return {
    world,
    workgroupArn,
    dbToken: (body) =>
      world.api<DbAuthAnswer & ErrorAnswer>('POST', '/api/v1/db-auth-token', body, { authorization: `Bearer ${world.workload.secret}` }),
    async redshiftEvents(eventName) {
      const events = (await (await fetch(`${world.emulator.url}/_emulator/events`)).json()) as RecordedEvent[];
      return events.filter((event) => event.eventName === eventName && event.eventSource.startsWith('redshift'));
    },
    async close() {
      await world.close();
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}
