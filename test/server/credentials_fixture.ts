import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config/index.js';
import { DEFAULT_ACCOUNT, startEmulator, type AccountSeed, type RunningEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/server/index.js';
import { startServerRuntime, type RuntimeOptions, type ServerRuntime } from '../../src/runtime/index.js';

/**
 * The world of the broker's end-to-end tests, all real parts: the AWS emulator (STS + IAM over the
 * Query protocol, two accounts), a rolebridge server whose STS calls go to it, tenant `acme` with
 * a token config and a workload, and in the emulator the tenant's OIDC provider, a first role
 * trusting the workload's subject, and a partner role in a second account that trusts the first
 * role with an ExternalId (the seeds' Athena / Superset second hop).
 */

const ADMIN_TOKEN = 'rb_admin_test_broker_0123456789abcdefghijklmnop';
const MASTER_KEY = Buffer.alloc(32, 9).toString('base64');
export const PARTNER_ACCOUNT: AccountSeed = {
  accountId: '210987654321',
  accessKeyId: 'AKIAI44QH8DHBEXAMPLE',
  secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
};
export const FIRST_ROLE_ARN = `arn:aws:iam::${DEFAULT_ACCOUNT.accountId}:role/rolebridge-first`;
export const PARTNER_ROLE_ARN = `arn:aws:iam::${PARTNER_ACCOUNT.accountId}:role/partner-athena`;
export const EXTERNAL_ID = 'acme-7d1f:athena';

export interface BrokerWorld {
  emulator: RunningEmulator;
  server: ServerRuntime;
  url: string;
  admin: { authorization: string };
  issuer: string;
  workload: { id: string; secret: string; subject: string };
  logs: Array<Record<string, unknown>>;
  /** Moves the clock of both the server and the emulator (they agree, as AWS and a server do). */
  advance(ms: number): void;
  api<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  credentials(connection: string): Promise<{ status: number; body: Record<string, unknown> }>;
  setFault(fault: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  stsEvents(eventName?: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export interface WorldOptions {
  broker?: Pick<NonNullable<RuntimeOptions['broker']>, 'cache' | 'verifyRetry'> & { stsMaxAttempts?: number };
}

export async function startBrokerWorld(options: WorldOptions = {}): Promise<BrokerWorld> {
  let offset = 0;
  const now = (): number => Date.now() + offset;
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', accounts: [DEFAULT_ACCOUNT, PARTNER_ACCOUNT], now });
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig(
    { ROLEBRIDGE_MASTER_KEY: MASTER_KEY, ROLEBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN },
    { databaseUrl: 'sqlite::memory:', host: '127.0.0.1', port: 0, logLevel: 'info' },
  );
  const server = await startServerRuntime(config, {
    logger: createLogger({ level: 'info', destination }),
    defaultMetrics: false,
    now,
    broker: {
      sts: { endpoint: emulator.url, maxAttempts: options.broker?.stsMaxAttempts ?? 1 },
      verifyRetry: { attempts: 2, initialDelayMs: 50 },
      ...options.broker,
    },
  });
  const url = server.url;
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  const api = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = admin) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const must = async <T>(method: string, path: string, body: unknown): Promise<T> => {
    const answer = await api<T>(method, path, body);
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  const tenant = await must<{ issuer: string }>('POST', '/api/v1/tenants', { id: 'acme', name: 'Acme' });
  await must('POST', '/api/v1/tenants/acme/token-configs', {
    name: 'aws',
    audience: 'sts.amazonaws.com',
    subjectTemplate: 'tenant:{tenant}:deployment:{deployment}:component:{component}',
    lifetimeSeconds: 300,
  });
  const workload = await must<{ id: string; secret: string }>('POST', '/api/v1/tenants/acme/workloads', { deployment: 'prod', component: 'etl' });
  const subject = 'tenant:acme:deployment:prod:component:etl';

  // The customer's account: provider + first role (trusting exactly this workload's sub)…
  const iam = new IAMClient({ endpoint: emulator.url, region: 'us-east-1', credentials: DEFAULT_ACCOUNT, maxAttempts: 1 });
  const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: tenant.issuer, ClientIDList: ['sts.amazonaws.com'] }));
  const prefix = tenant.issuer.replace(/^https?:\/\//, '');
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'rolebridge-first',
      MaxSessionDuration: 7200,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: provider.OpenIDConnectProviderArn },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com', [`${prefix}:sub`]: subject } },
          },
        ],
      }),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'rolebridge-first',
      PolicyName: 'assume-partner',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: PARTNER_ROLE_ARN }] }),
    }),
  );
  // …and the partner's account: a role trusting the first role, with an ExternalId.
  const partnerIam = new IAMClient({ endpoint: emulator.url, region: 'us-east-1', credentials: PARTNER_ACCOUNT, maxAttempts: 1 });
  await partnerIam.send(
    new CreateRoleCommand({
      RoleName: 'partner-athena',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: FIRST_ROLE_ARN },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
          },
        ],
      }),
    }),
  );
  iam.destroy();
  partnerIam.destroy();

  return {
    emulator,
    server,
    url,
    admin,
    issuer: tenant.issuer,
    workload: { id: workload.id, secret: workload.secret, subject },
    logs,
    advance: (ms) => {
      offset += ms;
    },
    api,
    credentials: (connection) =>
      api<Record<string, unknown>>('GET', `/api/v1/credentials/${connection}`, undefined, { authorization: `Bearer ${workload.secret}` }),
    async setFault(fault) {
      const response = await fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify(fault), headers: { 'content-type': 'application/json' } });
      if (response.status !== 201) throw new Error(`fault not set: ${response.status} ${await response.text()}`);
    },
    async clearFaults() {
      await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
    },
    async stsEvents(eventName) {
      const events = (await (await fetch(`${emulator.url}/_emulator/events`)).json()) as Array<Record<string, unknown>>;
      return events.filter((event) => event.eventSource === 'sts.amazonaws.com' && (eventName === undefined || event.eventName === eventName));
    },
    async close() {
      await server.close();
      await emulator.close();
    },
  };
}

/** A connection through both roles, verified with the world's workload. */
export function twoHopConnection(world: BrokerWorld, name = 'athena'): Record<string, unknown> {
  return {
    name,
    roleArn: FIRST_ROLE_ARN,
    region: 'us-east-1',
    tokenConfig: 'aws',
    workload: world.workload.id,
    chain: [{ roleArn: PARTNER_ROLE_ARN, externalId: EXTERNAL_ID }],
  };
}

/** Debian's awscli (CI installs it at /usr/bin/aws); falls back to `aws` on PATH. */
const AWS_CLI = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

/**
 * An installed AWS CLI that honours `AWS_ENDPOINT_URL_STS` (CLI v2 >= 2.13, v1 with botocore >=
 * 1.31), or undefined. Debian 12's awscli is 2.9: its web-identity provider only talks to real STS.
 */
export async function awsCliHonouringEndpointEnv(): Promise<string | undefined> {
  for (const candidate of [AWS_CLI, 'aws']) {
    try {
      const { stdout, stderr } = await promisify(execFile)(candidate, ['--version']);
      const version = `${stdout} ${stderr}`;
      const v2 = /aws-cli\/2\.(\d+)\./.exec(version);
      const botocore = /botocore\/1\.(\d+)\./.exec(version);
      if ((v2 && Number(v2[1]) >= 13) || (!v2 && botocore && Number(botocore[1]) >= 31)) return candidate;
    } catch {
      // not installed under that name
    }
  }
  return undefined;
}

/**
 * Runs the AWS CLI with a clean HOME and exactly `env` (plus PATH), so only the credential
 * source under test can supply credentials.
 */
export async function runAwsCli(args: string[], env: Record<string, string>, cli = AWS_CLI): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'rolebridge-broker-cli-'));
  const fullEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    ...env,
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(cli, [...args, '--output', 'json'], { env: fullEnv, cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failure.code !== 'number') throw error;
    return { code: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}
