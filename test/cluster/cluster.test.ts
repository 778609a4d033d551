/**
 * Three `rolebridge serve` processes on one PostgreSQL behind nginx, under bounded load through nginx:
 * revocation and rotation hold everywhere within 2 s with one writer, the drift watch tests each connection
 * once per interval for the whole cluster, SIGTERM drains, and `kill -9` of a replica loses nothing acknowledged.
 */
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { migrations } from '../../src/store/migrations/index.js';
import { trustPolicyFor } from '../../src/policy/index.js';
import { iamClient, stsClient } from '../emulator/emulator_clients.js';
import { createTestDatabase } from '../helpers/postgres_cluster.js';
import { CLUSTER_ADMIN_TOKEN, startRolebridgeCluster, type Replica, type RolebridgeCluster } from '../helpers/rolebridge_cluster.js';

const run = promisify(execFile);
const postgresUrl = inject('postgresUrl');
const PYJWT_SCRIPT = fileURLToPath(new URL('../issuer/pyjwt_verify.py', import.meta.url));
const CLUSTER_DEADLINE_MS = 2000;
const DRIFT_INTERVAL_SECONDS = 2;

interface Answer<T> {
  status: number;
  body: T;
  etag: string | null;
}

async function call<T = Record<string, unknown>>(base: string, method: string, path: string, body?: unknown, token = CLUSTER_ADMIN_TOKEN): Promise<Answer<T>> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, etag: response.headers.get('etag') };
}

function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as { kid: string }).kid;
}

async function until(probe: () => Promise<boolean>, limitMs = 15_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > limitMs) throw new Error(`condition not reached within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface IssuedToken {
  sentAt: number;
  kid: string;
  token: string;
}

/**
 * Bounded load through nginx: `workers` loops each issue one token at a time, and one loop creates workloads
 * (acknowledged writes). Everything is recorded; `stop()` ends the loops.
 */
function startLoad(base: string, workloadSecret: string, workers = 3) {
  const statuses = new Map<number, number>();
  const tokens: IssuedToken[] = [];
  const acknowledgedWorkloads: string[] = [];
  const failures: string[] = [];
  let running = true;
  const note = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const tokenLoop = async () => {
    while (running) {
      const sentAt = Date.now();
      try {
        const answer = await call<{ token: string }>(base, 'POST', '/api/v1/token', {}, workloadSecret);
        note(answer.status);
        if (answer.status === 200) tokens.push({ sentAt, kid: kidOf(answer.body.token), token: answer.body.token });
      } catch (error) {
        failures.push(String(error));
      }
    }
  };
  let written = 0;
  const writeLoop = async () => {
    while (running) {
      try {
        const answer = await call<{ id: string }>(base, 'POST', '/api/v1/tenants/acme/workloads', { deployment: `load-${randomBytes(3).toString('hex')}`, component: `c${written++}` });
        note(answer.status);
        if (answer.status === 201) acknowledgedWorkloads.push(answer.body.id);
      } catch (error) {
        failures.push(String(error));
      }
    }
  };
  const loops = [...Array.from({ length: workers }, tokenLoop), writeLoop()];
  return {
    statuses,
    tokens,
    acknowledgedWorkloads,
    failures,
    /** Resolves once `count` more tokens were issued (a sign the load flows). */
    async flowing(count = 20): Promise<void> {
      const target = tokens.length + count;
      await until(async () => tokens.length >= target, 30_000);
    },
    async stop(): Promise<void> {
      running = false;
      await Promise.all(loops);
    },
  };
}

// Generous upper bounds: waits inside are event-driven, but a replica starts in seconds on a busy 2-core machine.
describe.skipIf(!postgresUrl)('a cluster of three replicas behind nginx', { timeout: 90_000 }, () => {
  let emulator: RunningEmulator;
  let cluster: RolebridgeCluster;
  let database: pg.Client;
  let issuer: string;
  let workloadSecret: string;

  const lb = <T = Record<string, unknown>>(method: string, path: string, body?: unknown, token?: string) => call<T>(cluster.url, method, path, body, token);
  const live = (): Replica[] => cluster.replicas.filter((replica) => replica.child.exitCode === null && replica.child.signalCode === null);
  const keyStates = async () => (await lb<{ keys: Array<{ kid: string; state: string }> }>('GET', '/api/v1/tenants/acme/keys')).body.keys;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase(postgresUrl, `cluster_${randomBytes(4).toString('hex')}`);
    emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
    // Three replicas started at once on an empty database.
    cluster = await startRolebridgeCluster({
      databaseUrl,
      replicas: 3,
      env: {
        AWS_ENDPOINT_URL_STS: emulator.url,
        AWS_REGION: 'us-east-1',
        ROLEBRIDGE_JWKS_MAX_AGE_SECONDS: '0', // a next key may sign at once, so rotations are not refused as too early
        ROLEBRIDGE_DRIFT_WATCH_INTERVAL_SECONDS: String(DRIFT_INTERVAL_SECONDS),
      },
    });
    database = new pg.Client({ connectionString: databaseUrl });
    await database.connect();

    issuer = (await lb<{ issuer: string }>('POST', '/api/v1/tenants', { id: 'acme', name: 'Acme' })).body.issuer;
    expect(issuer).toBe(cluster.issuerTemplate.replace('{tenant}', 'acme'));
    expect((await lb('POST', '/api/v1/tenants/acme/token-configs', { name: 'default', subjectTemplate: 'app:{deployment}:{component}' })).status).toBe(201);
    workloadSecret = (await lb<{ secret: string }>('POST', '/api/v1/tenants/acme/workloads', { deployment: 'prod', component: 'api' })).body.secret;
    const iam = iamClient(emulator.url);
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ['sts.amazonaws.com'] }));
    const trust = trustPolicyFor({ issuer, audience: 'sts.amazonaws.com', subject: 'app:prod:api', accountId: '123456789012' });
    for (const role of ['watched', 'app']) await iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const connection = await lb('POST', '/api/v1/tenants/acme/connections', { name: 'watched', roleArn: 'arn:aws:iam::123456789012:role/watched', region: 'us-east-1', tokenConfig: 'default' });
    expect(connection.status, JSON.stringify(connection.body)).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await database?.end();
    await cluster?.stop();
    await emulator?.close();
  });

  it('came up from three concurrent starts on an empty database with one migration run', () => {
    const applied = cluster.replicas.flatMap((replica) =>
      replica.logs.filter((line) => line.msg === 'database migrated').flatMap((line) => line.migrations as string[]),
    );
    expect(applied.sort()).toEqual(Object.keys(migrations).sort());
    expect(cluster.replicas).toHaveLength(3);
  });

  it('serves byte-identical discovery and JWKS (same ETag) from every replica', async () => {
    for (const document of ['openid-configuration', 'jwks.json']) {
      const answers = await Promise.all(cluster.replicas.map((replica) => fetch(`${replica.url}/t/acme/.well-known/${document}`)));
      const bodies = await Promise.all(answers.map((answer) => answer.text()));
      expect(new Set(answers.map((answer) => answer.headers.get('etag'))).size).toBe(1);
      expect(new Set(bodies).size).toBe(1);
    }
  });

  it('under load, a key revoked through one replica is neither published nor used for signing by any replica within 2 s', async () => {
    const load = startLoad(cluster.url, workloadSecret);
    try {
      await load.flowing();
      const signing = (await keyStates()).find((key) => key.state === 'active')?.kid as string;
      const [first] = cluster.replicas as [Replica];
      expect((await call(first.url, 'POST', `/api/v1/tenants/acme/keys/${signing}/revoke`)).status).toBe(200);
      const revokedAt = Date.now();
      const elapsed = await Promise.all(
        cluster.replicas.map((replica) =>
          until(async () => {
            const jwks = await call<{ keys: Array<{ kid: string }> }>(replica.url, 'GET', '/t/acme/.well-known/jwks.json');
            const token = await call<{ token: string }>(replica.url, 'POST', '/api/v1/token', {}, workloadSecret);
            return !jwks.body.keys.some((key) => key.kid === signing) && kidOf(token.body.token) !== signing;
          }),
        ),
      );
      process.stderr.write(`cluster test: each replica saw the revocation after ${elapsed.join(', ')} ms (probe latency included)\n`);
      await until(async () => load.tokens.filter((token) => token.sentAt > revokedAt + CLUSTER_DEADLINE_MS).length >= 20, 30_000);
      // Asked after the deadline, every replica answers without the key: the bound holds however slow a probe is.
      for (const replica of cluster.replicas) {
        const jwks = await call<{ keys: Array<{ kid: string }> }>(replica.url, 'GET', '/t/acme/.well-known/jwks.json');
        expect(jwks.body.keys.map((key) => key.kid)).not.toContain(signing);
        expect(kidOf((await call<{ token: string }>(replica.url, 'POST', '/api/v1/token', {}, workloadSecret)).body.token)).not.toBe(signing);
      }
      // Every token requested through nginx 2 s after the revocation was signed by another key.
      const late = load.tokens.filter((token) => token.sentAt > revokedAt + CLUSTER_DEADLINE_MS);
      expect(late.filter((token) => token.kid === signing)).toEqual([]);
    } finally {
      await load.stop();
    }
    expect([...load.statuses.keys()].filter((status) => status >= 500)).toEqual([]);
  });

  it('two rotations at once through two replicas make exactly one next key', async () => {
    const [one, two] = cluster.replicas as [Replica, Replica];
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all([call(one.url, 'POST', '/api/v1/tenants/acme/keys/rotate'), call(two.url, 'POST', '/api/v1/tenants/acme/keys/rotate')]);
      for (const answer of answers) expect([200, 409]).toContain(answer.status);
      const states = (await keyStates()).map((key) => key.state);
      expect(states.filter((state) => state === 'next')).toHaveLength(1);
      expect(states.filter((state) => state === 'active')).toHaveLength(1);
    }
    // And then every replica publishes the same JWKS.
    await until(async () => {
      const etags = await Promise.all(cluster.replicas.map(async (replica) => (await fetch(`${replica.url}/t/acme/.well-known/jwks.json`)).headers.get('etag')));
      return new Set(etags).size === 1;
    }, CLUSTER_DEADLINE_MS * 2);
  });

  it('the drift watch tests each connection once per interval for the whole cluster (emulator events)', async () => {
    const interval = DRIFT_INTERVAL_SECONDS * 1000;
    const scheduledTests = async (): Promise<number[]> => {
      const events = (await (await fetch(`${emulator.url}/_emulator/events`)).json()) as Array<{ eventName: string; eventTime: string; requestParameters: Record<string, string> | null }>;
      return events
        .filter((event) => event.eventName === 'AssumeRoleWithWebIdentity' && event.requestParameters?.roleArn === 'arn:aws:iam::123456789012:role/watched')
        .filter((event) => !event.requestParameters?.roleSessionName?.startsWith('rb-probe-'))
        .map((event) => Date.parse(event.eventTime));
    };
    const from = (await scheduledTests()).length;
    await until(async () => (await scheduledTests()).length >= from + 4, 30_000);
    const times = (await scheduledTests()).slice(from);
    const gaps = times.slice(1).map((time, index) => time - (times[index] as number));
    // Three replicas each sweeping on their own would test about every interval / 3.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(interval * 0.75);
    // And none of them skips: the cluster keeps the pace of one test per interval.
    for (const gap of gaps) expect(gap).toBeLessThan(interval * 2.5);
    const history = await lb<{ tests: Array<{ trigger: string }> }>('GET', '/api/v1/tenants/acme/connections/watched/tests');
    expect(history.body.tests.filter((test) => test.trigger === 'schedule').length).toBeGreaterThanOrEqual(4);
  });

  it('SIGTERM drains a replica under load: not ready, no failed request, every acknowledged token audited, exit 0', async () => {
    const load = startLoad(cluster.url, workloadSecret);
    const draining = cluster.replicas[2] as Replica;
    try {
      await load.flowing();
      const signalledAt = Date.now();
      draining.child.kill('SIGTERM');
      expect(await draining.exited).toBe(0);
      process.stderr.write(`cluster test: the replica drained and exited ${Date.now() - signalledAt} ms after SIGTERM\n`);
      await load.flowing();
    } finally {
      await load.stop();
    }
    expect([...load.statuses.keys()].filter((status) => status >= 500)).toEqual([]);
    expect(load.failures).toEqual([]);
    // The drained replica flushed its audit buffer: every token anyone acknowledged is in the audit log.
    const jtis = load.tokens.map((token) => (JSON.parse(Buffer.from(token.token.split('.')[1] as string, 'base64url').toString('utf8')) as { jti: string }).jti);
    await until(async () => {
      const audited = await database.query<{ count: string }>(
        "select count(*) as count from audit_events where action = 'token.issued' and details::jsonb ->> 'jti' = any($1)",
        [jtis],
      );
      return Number(audited.rows[0]?.count) === jtis.length;
    }, 10_000);
  });

  it('kill -9 of a replica mid-load: no 5xx from a live replica, no acknowledged write lost, tokens keep verifying (PyJWT, STS)', async () => {
    const load = startLoad(cluster.url, workloadSecret);
    const victim = cluster.replicas[1] as Replica;
    try {
      await load.flowing();
      victim.child.kill('SIGKILL');
      await victim.exited;
      await load.flowing(40);
    } finally {
      await load.stop();
    }
    expect(live()).toHaveLength(1); // one drained above, one killed here: the last replica carries the load
    // nginx retries what the dead replica dropped; nothing answered 5xx.
    expect([...load.statuses.keys()].filter((status) => status >= 500)).toEqual([]);
    expect(load.failures).toEqual([]);
    const stored = new Set(
      (await lb<{ workloads: Array<{ id: string }> }>('GET', '/api/v1/tenants/acme/workloads')).body.workloads.map((workload) => workload.id),
    );
    expect(load.acknowledgedWorkloads.length).toBeGreaterThan(0);
    expect(load.acknowledgedWorkloads.filter((id) => !stored.has(id))).toEqual([]);

    // Tokens issued after the kill verify independently (PyJWT follows discovery → JWKS through nginx) and at STS.
    const fresh = load.tokens.slice(-5).map((token) => token.token);
    const { stdout } = await run('/usr/bin/python3', [PYJWT_SCRIPT, issuer, 'sts.amazonaws.com', ...fresh], { env: { ...process.env, no_proxy: '*' }, timeout: 30_000 });
    expect((JSON.parse(stdout) as { claims: unknown[] }).claims).toHaveLength(fresh.length);
    const exchanged = await stsClient(emulator.url).send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::123456789012:role/app', RoleSessionName: 'cluster-test', WebIdentityToken: fresh.at(-1) as string }),
    );
    expect(exchanged.Credentials?.AccessKeyId).toBeTruthy();
  });
});
