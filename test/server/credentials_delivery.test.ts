import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromHttp, fromNodeProviderChain, fromProcess, fromTokenFile } from '@aws-sdk/credential-providers';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { awsCliHonouringEndpointEnv, FIRST_ROLE_ARN, runAwsCli, startBrokerWorld, twoHopConnection, type BrokerWorld } from './credentials_fixture.js';

/**
 * Every delivery path, driven by the real consumers: AWS SDK v3's own credential providers and the
 * AWS CLI, against the emulator. Each proves the credentials by calling GetCallerIdentity with them.
 */
const PARTNER_SESSION = /^arn:aws:sts::210987654321:assumed-role\/partner-athena\/rb-[\w-]+$/;
const CLI_ENTRY = join(process.cwd(), 'src/cli/main.ts');

describe('credential delivery, with real SDK and CLI clients', () => {
  let world: BrokerWorld;
  let dir: string;
  let secretFile: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    world = await startBrokerWorld();
    const created = await world.api('POST', '/api/v1/tenants/acme/connections', twoHopConnection(world));
    expect(created.status).toBe(201);
    dir = mkdtempSync(join(tmpdir(), 'rolebridge-delivery-'));
    secretFile = join(dir, 'workload-secret');
    writeFileSync(secretFile, `${world.workload.secret}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await world?.close();
  });
  afterEach(() => {
    process.env = { ...savedEnv };
  });

  /** The SDK's default chain sees only what the test sets. */
  function isolateSdkEnvironment(): void {
    for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
    process.env.AWS_CONFIG_FILE = join(dir, 'no-config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'no-credentials');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_REGION = 'us-east-1';
  }

  async function callerArn(client: STSClient): Promise<string> {
    try {
      return (await client.send(new GetCallerIdentityCommand({}))).Arn!;
    } finally {
      client.destroy();
    }
  }

  it('serves the container-credentials format', async () => {
    const answer = await world.credentials('athena');
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(['AccessKeyId', 'Expiration', 'RoleArn', 'SecretAccessKey', 'Token']);
    expect(answer.body.RoleArn).toBe('arn:aws:iam::210987654321:role/partner-athena');
    expect(answer.body.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Secrets never reach the logs, and AWS credentials never reach the database (audit included).
    const logs = JSON.stringify(world.logs);
    for (const secret of [answer.body.SecretAccessKey, answer.body.Token, world.workload.secret] as string[]) expect(logs).not.toContain(secret);
    const store = world.server.store;
    const rows = [...(await store.connections.list('acme')), ...(await store.audit.list({ tenantId: 'acme', limit: 1000 }))];
    expect(rows.length).toBeGreaterThan(0);
    for (const secret of [answer.body.SecretAccessKey, answer.body.Token, answer.body.AccessKeyId] as string[]) expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('lines the STS exchange up across our audit log, the token and CloudTrail (the emulator\'s events)', async () => {
    await world.server.deps.issuer.flushAudit();
    const audit = await world.api<{ events: Array<{ action: string; details: Record<string, unknown> }> }>('GET', '/api/v1/tenants/acme/audit?limit=1000');
    const exchanged = audit.body.events.filter((e) => e.action === 'credentials.exchanged').at(-1)!;
    const { jti, sessionName } = exchanged.details as { jti: string; sessionName: string };
    expect(sessionName).toBe(`rb-${world.workload.id}-${jti.slice(0, 20)}`);
    // The token behind it was issued (and audited) by the issuer under the same jti…
    expect(audit.body.events.some((e) => e.action === 'token.issued' && e.details.jti === jti)).toBe(true);
    // …and CloudTrail shows the same session name on both calls of the chain.
    const events = await world.stsEvents();
    const calls = events.filter((e) => (e.requestParameters as { roleSessionName?: string } | undefined)?.roleSessionName === sessionName);
    expect(calls.map((e) => e.eventName)).toEqual(['AssumeRoleWithWebIdentity', 'AssumeRole']);
  });

  it('works with AWS_CONTAINER_CREDENTIALS_FULL_URI in SDK v3 (fromHttp and the default chain)', async () => {
    isolateSdkEnvironment();
    process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${world.url}/api/v1/credentials/athena`;
    process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = world.workload.secret;
    expect(await callerArn(new STSClient({ region: 'us-east-1', endpoint: world.emulator.url, credentials: fromHttp() }))).toMatch(PARTNER_SESSION);
    expect(await callerArn(new STSClient({ region: 'us-east-1', endpoint: world.emulator.url, credentials: fromNodeProviderChain() }))).toMatch(PARTNER_SESSION);
  });

  it('tells SDK v3 why when STS refuses (Code and Message on the error)', async () => {
    const created = await world.api('POST', '/api/v1/tenants/acme/connections', {
      name: 'refused',
      roleArn: 'arn:aws:iam::123456789012:role/never-created',
      region: 'us-east-1',
      tokenConfig: 'aws',
      verify: false,
    });
    expect(created.status).toBe(201);
    isolateSdkEnvironment();
    process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${world.url}/api/v1/credentials/refused`;
    process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = world.workload.secret;
    await expect(fromHttp({ maxRetries: 0 })()).rejects.toMatchObject({
      Code: 'access_denied',
      Message: expect.stringContaining('AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity'),
    });
  });

  it('works with AWS_CONTAINER_CREDENTIALS_FULL_URI in the AWS CLI', async () => {
    const result = await runAwsCli(['sts', 'get-caller-identity', '--endpoint-url', world.emulator.url], {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${world.url}/api/v1/credentials/athena`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: world.workload.secret,
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).Arn).toMatch(PARTNER_SESSION);
  });

  it('never lets a workload of another tenant reach a connection', async () => {
    expect((await world.api('POST', '/api/v1/tenants', { id: 'globex', name: 'Globex' })).status).toBe(201);
    expect((await world.api('POST', '/api/v1/tenants/globex/token-configs', { name: 'aws', subjectTemplate: 'tenant:{tenant}:{deployment}:{component}' })).status).toBe(201);
    const other = await world.api<{ secret: string }>('POST', '/api/v1/tenants/globex/workloads', { deployment: 'prod', component: 'etl' });
    const answer = await world.api<{ error: { code: string } }>('GET', '/api/v1/credentials/athena', undefined, { authorization: `Bearer ${other.body.secret}` });
    expect([answer.status, answer.body.error.code]).toEqual([404, 'connection_not_found']);
  });

  it('answers a wrong secret with 401 and an unknown connection with 404', async () => {
    expect((await world.api('GET', '/api/v1/credentials/athena', undefined, { authorization: 'Bearer nope' })).status).toBe(401);
    const missing = await world.credentials('no-such-connection');
    expect([missing.status, (missing.body as { error: { code: string } }).error.code]).toEqual([404, 'connection_not_found']);
  });

  describe('credential_process', () => {
    function writeProfile(): string {
      const config = join(dir, 'aws-config');
      const command = `node --import tsx ${CLI_ENTRY} credential-process --connection athena --server ${world.url} --secret-file ${secretFile}`;
      writeFileSync(config, `[profile rolebridge]\ncredential_process = ${command}\nregion = us-east-1\n`);
      return config;
    }

    it('prints Version 1 JSON', async () => {
      const writes: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string) => writes.push(String(chunk)) > 0) as typeof process.stdout.write;
      let code: number;
      try {
        code = await runCli(['credential-process', '--connection', 'athena', '--server', world.url, '--secret-file', secretFile]);
      } finally {
        process.stdout.write = write;
      }
      expect(code).toBe(0);
      const printed = JSON.parse(writes.join(''));
      expect(Object.keys(printed).sort()).toEqual(['AccessKeyId', 'Expiration', 'SecretAccessKey', 'SessionToken', 'Version']);
      expect(printed.Version).toBe(1);
    });

    it('works in SDK v3 (fromProcess)', async () => {
      isolateSdkEnvironment();
      const configFilepath = writeProfile();
      const credentials = fromProcess({ profile: 'rolebridge', configFilepath, filepath: join(dir, 'no-credentials') });
      expect(await callerArn(new STSClient({ region: 'us-east-1', endpoint: world.emulator.url, credentials }))).toMatch(PARTNER_SESSION);
    });

    it('works in the AWS CLI (--profile)', async () => {
      const result = await runAwsCli(['sts', 'get-caller-identity', '--profile', 'rolebridge', '--endpoint-url', world.emulator.url], {
        AWS_CONFIG_FILE: writeProfile(),
      });
      expect(JSON.parse(result.stdout).Arn).toMatch(PARTNER_SESSION);
    });

    it('exits 2 with the reason on stderr for an unknown connection', async () => {
      expect(await runCli(['credential-process', '--connection', 'missing', '--server', world.url, '--secret-file', secretFile])).toBe(2);
    });
  });

  describe('agent + web-identity token file', () => {
    let tokenFile: string;
    beforeAll(async () => {
      tokenFile = join(dir, 'token');
      expect(await runCli(['agent', '--token-file', tokenFile, '--once', '--server', world.url, '--secret-file', secretFile])).toBe(0);
    });

    it('writes the token with mode 0600', () => {
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(tokenFile, 'utf8').split('.')).toHaveLength(3);
    });

    it('works with AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN in SDK v3', async () => {
      isolateSdkEnvironment();
      process.env.AWS_WEB_IDENTITY_TOKEN_FILE = tokenFile;
      process.env.AWS_ROLE_ARN = FIRST_ROLE_ARN;
      process.env.AWS_ROLE_SESSION_NAME = 'rb-agent-sdk';
      process.env.AWS_ENDPOINT_URL_STS = world.emulator.url;
      expect(await callerArn(new STSClient({ region: 'us-east-1', credentials: fromTokenFile() }))).toBe(
        'arn:aws:sts::123456789012:assumed-role/rolebridge-first/rb-agent-sdk',
      );
      expect(await callerArn(new STSClient({ region: 'us-east-1', credentials: fromNodeProviderChain() }))).toBe(
        'arn:aws:sts::123456789012:assumed-role/rolebridge-first/rb-agent-sdk',
      );
    });

    it('works with the AWS CLI: the token file as web identity', async () => {
      // Any CLI: the agent's file is what `--web-identity-token file://` reads.
      const explicit = await runAwsCli(
        ['sts', 'assume-role-with-web-identity', '--role-arn', FIRST_ROLE_ARN, '--role-session-name', 'rb-agent-cli', '--web-identity-token', `file://${tokenFile}`, '--endpoint-url', world.emulator.url],
        {},
      );
      expect(explicit.stderr).toBe('');
      expect(JSON.parse(explicit.stdout).AssumedRoleUser.Arn).toBe('arn:aws:sts::123456789012:assumed-role/rolebridge-first/rb-agent-cli');

      // The provider chain (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN) needs a CLI that can send its
      // own STS call to the emulator; Debian's 2.9 cannot, so where no newer CLI is installed only the
      // form above runs.
      const cli = await awsCliHonouringEndpointEnv();
      if (cli === undefined) return;
      const chain = await runAwsCli(
        ['sts', 'get-caller-identity'],
        { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: FIRST_ROLE_ARN, AWS_ROLE_SESSION_NAME: 'rb-agent-cli', AWS_ENDPOINT_URL_STS: world.emulator.url },
        cli,
      );
      expect(chain.stderr).toBe('');
      expect(JSON.parse(chain.stdout).Arn).toBe('arn:aws:sts::123456789012:assumed-role/rolebridge-first/rb-agent-cli');
    });
  });

  it('rolebridge token prints a token the emulator accepts', async () => {
    const writes: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => writes.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      process.env.ROLEBRIDGE_SERVER = world.url;
      process.env.ROLEBRIDGE_WORKLOAD_SECRET = world.workload.secret;
      expect(await runCli(['token'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const token = writes.join('').trim();
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; aud: string };
    expect(payload).toMatchObject({ sub: world.workload.subject, aud: 'sts.amazonaws.com' });
  });
});
