import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/index.js';
import { DEFAULT_ACCOUNT, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { startServerRuntime, type ServerRuntime } from '../../src/runtime/index.js';
import { createLogger } from '../../src/server/index.js';

export const CONSOLE_ADMIN_TOKEN = 'rb_admin_test_console_0123456789abcdefghijklmnop';
const MASTER_KEY = Buffer.alloc(32, 11).toString('base64');

/**
 * The console's world, all real parts: a rolebridge server (serving the built console, web/dist) whose STS
 * calls go to the AWS emulator, and IAM in the emulator for the customer's side. Nothing is created up front:
 * the browser test creates everything through the console. Both clocks move together (`advance`).
 */
export interface ConsoleWorld {
  server: ServerRuntime;
  emulator: RunningEmulator;
  url: string;
  advance(ms: number): void;
  /** The customer's account: the OIDC provider for `issuer` and a role trusting `subject` (right or wrong). */
  createRole(issuer: string, roleName: string, subject: string): Promise<string>;
  setTrustedSubject(issuer: string, roleName: string, subject: string): Promise<void>;
  admin<T>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** The trust policy the customer's role holds: provider, aud and an exact sub. */
export function trustPolicy(issuer: string, subject: string): string {
  const prefix = issuer.replace(/^https?:\/\//, '');
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${DEFAULT_ACCOUNT.accountId}:oidc-provider/${prefix}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com', [`${prefix}:sub`]: subject } },
      },
    ],
  });
}

/** `env`: more server environment (e.g. the test IdP's ROLEBRIDGE_AUTH_JWT_* for the console's IdP sign-in). */
export async function startConsoleWorld(options: { env?: Record<string, string> } = {}): Promise<ConsoleWorld> {
  if (!existsSync(join(import.meta.dirname, '..', '..', 'web', 'dist', 'index.html'))) {
    throw new Error('The console is not built: run `npm run build:web` (npm test and npm install build it).');
  }
  let offset = 0;
  const now = (): number => Date.now() + offset;
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', now });
  const config = loadConfig(
    { ROLEBRIDGE_MASTER_KEY: MASTER_KEY, ROLEBRIDGE_ADMIN_TOKEN: CONSOLE_ADMIN_TOKEN, ...options.env },
    { databaseUrl: 'sqlite::memory:', host: '127.0.0.1', port: 0, logLevel: 'warn' },
  );
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const server = await startServerRuntime(config, {
    logger: createLogger({ level: 'warn', destination: quiet }),
    defaultMetrics: false,
    now,
    broker: { sts: { endpoint: emulator.url, maxAttempts: 1 }, verifyRetry: { attempts: 1, initialDelayMs: 10 } },
  });
  const iam = new IAMClient({ endpoint: emulator.url, region: 'us-east-1', credentials: DEFAULT_ACCOUNT, maxAttempts: 1 });
  return {
    server,
    emulator,
    url: server.url,
    advance: (ms) => {
      offset += ms;
    },
    async createRole(issuer, roleName, subject) {
      await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ['sts.amazonaws.com'] }));
      const role = await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trustPolicy(issuer, subject) }));
      return role.Role!.Arn!;
    },
    async setTrustedSubject(issuer, roleName, subject) {
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trustPolicy(issuer, subject) }));
    },
    async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${CONSOLE_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    async close() {
      iam.destroy();
      await server.close();
      await emulator.close();
    },
  };
}
