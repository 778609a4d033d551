import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { decodeJwt, type JWTPayload } from 'jose';
import type { BrokerConnection } from '../../src/broker/index.js';
import type { DoctorTokens } from '../../src/doctor/test_connection.js';
import { DEFAULT_ACCOUNT, startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import type { ProbeKind } from '../../src/issuer/index.js';
import { startTestIssuer, type TestIssuer } from '../helpers/test_issuer.js';

export const ACCOUNT = DEFAULT_ACCOUNT.accountId;
export const AUDIENCE = 'sts.amazonaws.com';
/** The connection's workload subject: tenant acme, deployment prod, component etl. */
export const SUBJECT = 'tenant:acme:deployment:prod:component:etl';
export const roleArnOf = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;

export const PROBE_SUBJECTS: Record<Exclude<ProbeKind, 'wrong_audience'>, string> = {
  sibling_component: 'tenant:acme:deployment:prod:component:rb-probe-etl',
  sibling_deployment: 'tenant:acme:deployment:rb-probe-prod:component:etl',
  other_tenant: 'tenant:rb-probe-acme:deployment:prod:component:etl',
};

/** The emulator with the test issuer registered as an OIDC provider (audience sts.amazonaws.com). */
export interface DoctorWorld {
  emulator: RunningEmulator;
  issuer: TestIssuer;
  iam: IAMClient;
  providerArn: string;
  /** `127.0.0.1:<port>/t/acme`. */
  prefix: string;
  close(): Promise<void>;
}

export async function startDoctorWorld(options: EmulatorOptions = {}): Promise<DoctorWorld> {
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', ...options });
  const issuer = await startTestIssuer();
  const iam = new IAMClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: DEFAULT_ACCOUNT.accessKeyId, secretAccessKey: DEFAULT_ACCOUNT.secretAccessKey },
    maxAttempts: 1,
  });
  const created = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.issuer, ClientIDList: [AUDIENCE] }));
  return {
    emulator,
    issuer,
    iam,
    providerArn: created.OpenIDConnectProviderArn!,
    prefix: issuer.issuer.replace('http://', ''),
    close: async () => {
      iam.destroy();
      await emulator.close();
      await issuer.close();
    },
  };
}

/** The trust policy rolebridge recommends: provider, aud, exact sub. */
export function trustPolicy(world: DoctorWorld, statement: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: world.providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${world.prefix}:aud`]: AUDIENCE, [`${world.prefix}:sub`]: SUBJECT } },
        ...statement,
      },
    ],
  });
}

/** Creates a role with the AWS SDK, as a customer would (and an inline permission policy when given). */
export async function createRole(
  world: DoctorWorld,
  name: string,
  assumeRolePolicy: string,
  options: { maxSessionDuration?: number; permissions?: object } = {},
): Promise<string> {
  await world.iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: assumeRolePolicy,
      ...(options.maxSessionDuration === undefined ? {} : { MaxSessionDuration: options.maxSessionDuration }),
    }),
  );
  if (options.permissions) {
    await world.iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'chain', PolicyDocument: JSON.stringify(options.permissions) }));
  }
  return roleArnOf(name);
}

export function connectionFor(roleArn: string, extra: Partial<BrokerConnection> = {}): BrokerConnection {
  return { tenantId: 'acme', name: 'warehouse', tokenConfig: 'default', roleArn, region: 'us-east-1', chain: [], ...extra };
}

/** Tokens from the test issuer: the connection's (with `claims` on top) and probe tokens. */
export function testIssuerTokens(issuer: TestIssuer, claims: JWTPayload = {}): DoctorTokens {
  const minted = (token: string) => {
    const payload = decodeJwt(token);
    return { token, jti: String(payload.jti), claims: payload as Record<string, unknown>, expiresAt: Number(payload.exp) * 1000 };
  };
  return {
    connectionToken: async () => minted(await issuer.sign({ sub: SUBJECT, ...claims })),
    probeToken: async (probe) => {
      const subject = probe === 'wrong_audience' ? SUBJECT : PROBE_SUBJECTS[probe];
      const audience = probe === 'wrong_audience' ? 'rolebridge-probe-wrong-audience' : AUDIENCE;
      const token = await issuer.sign({ sub: subject, aud: audience, jti: `probe-${probe}-${Math.random().toString(36).slice(2)}` });
      return { ...minted(token), subject, audience };
    },
  };
}

/** Switches an emulator fault on (`/_emulator/faults`). */
export async function setFault(world: DoctorWorld, fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${world.emulator.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify(fault), headers: { 'content-type': 'application/json' } });
  if (!response.ok) throw new Error(`fault not set: ${await response.text()}`);
}

export async function clearFaults(world: DoctorWorld): Promise<void> {
  await fetch(`${world.emulator.url}/_emulator/faults`, { method: 'DELETE' });
}
