import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/index.js';
import { DEFAULT_ACCOUNT, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/server/index.js';
import { startServerRuntime, type ServerRuntime } from '../../src/runtime/index.js';

/**
 * The guided set-up's world, all real parts: the AWS emulator (the customer's account, IAM enforced
 * for IAM users), a rolebridge server whose STS calls go to the emulator, tenant `acme` with token
 * config `aws` and workload prod/etl. The CLI runs as a separate process (`node --import tsx`) with
 * the AWS SDK pointed at the emulator only through `AWS_ENDPOINT_URL`, as a customer would.
 */
export const ADMIN_TOKEN = 'rb_admin_test_setup_0123456789abcdefghijklmnop';
const MASTER_KEY = Buffer.alloc(32, 11).toString('base64');
const REPO = resolve(import.meta.dirname, '../..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SetupWorld {
  emulator: RunningEmulator;
  server: ServerRuntime;
  issuer: string;
  workloadId: string;
  /** The admin's IAM client (account root keys). */
  iam: IAMClient;
  /** Environment for the CLI: emulator endpoint, credentials, server token, no user AWS config. */
  env(credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): Record<string, string>;
  runSetup(args: readonly string[], env?: Record<string, string>): Promise<CliRun>;
  /** An IAM user with only `policy` (or none) and its access keys. */
  createUser(name: string, policy?: Record<string, unknown>): Promise<{ accessKeyId: string; secretAccessKey: string }>;
  close(): Promise<void>;
}

export async function startSetupWorld(): Promise<SetupWorld> {
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1' });
  // The server finds STS the way an operator points it at the emulator (CONTRACT: AWS_ENDPOINT_URL_STS);
  // test files run in their own forked process, so this stays within the file.
  const previousStsEndpoint = process.env.AWS_ENDPOINT_URL_STS;
  process.env.AWS_ENDPOINT_URL_STS = emulator.url;
  const destination = new Writable({ write: (_chunk, _encoding, done) => done() });
  const config = loadConfig(
    { ROLEBRIDGE_MASTER_KEY: MASTER_KEY, ROLEBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN },
    { databaseUrl: 'sqlite::memory:', host: '127.0.0.1', port: 0, logLevel: 'warn' },
  );
  const server = await startServerRuntime(config, {
    logger: createLogger({ level: 'warn', destination }),
    defaultMetrics: false,
    broker: { sts: { endpoint: emulator.url, maxAttempts: 1 }, verifyRetry: { attempts: 5, initialDelayMs: 50 } },
  });
  const must = async <T>(method: string, path: string, body: unknown): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const tenant = await must<{ issuer: string }>('POST', '/api/v1/tenants', { id: 'acme', name: 'Acme' });
  await must('POST', '/api/v1/tenants/acme/token-configs', {
    name: 'aws',
    audience: 'sts.amazonaws.com',
    subjectTemplate: 'tenant:{tenant}:deployment:{deployment}:component:{component}',
    lifetimeSeconds: 300,
  });
  const workload = await must<{ id: string }>('POST', '/api/v1/tenants/acme/workloads', { deployment: 'prod', component: 'etl' });
  const iam = new IAMClient({ endpoint: emulator.url, region: 'us-east-1', credentials: DEFAULT_ACCOUNT, maxAttempts: 1 });
  const home = mkdtempSync(join(tmpdir(), 'rolebridge-setup-home-'));

  const env = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = DEFAULT_ACCOUNT): Record<string, string> => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: emulator.url,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken === undefined ? {} : { AWS_SESSION_TOKEN: credentials.sessionToken }),
    ROLEBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
    NO_COLOR: '1',
  });

  return {
    emulator,
    server,
    issuer: tenant.issuer,
    workloadId: workload.id,
    iam,
    env,
    runSetup: (args, runEnv = env()) =>
      new Promise((done) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'setup', 'aws', '--server', server.url, ...args],
          // A bound for a hung run only; a loaded machine (two cores, many suites) can need minutes per run.
          { cwd: REPO, env: runEnv, timeout: 300_000 },
          (error, stdout, stderr) => {
            const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
            done({ code, stdout, stderr });
          },
        );
      }),
    async createUser(name, policy) {
      await iam.send(new CreateUserCommand({ UserName: name }));
      if (policy) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'granted', PolicyDocument: JSON.stringify(policy) }));
      const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
      return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    },
    async close() {
      iam.destroy();
      await server.close();
      await emulator.close();
      if (previousStsEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
      else process.env.AWS_ENDPOINT_URL_STS = previousStsEndpoint;
    },
  };
}
