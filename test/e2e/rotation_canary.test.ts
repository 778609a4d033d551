/**
 * The rotation canary against the emulator: the issuer is a static publication (the emulator's S3, read
 * anonymously by its STS), so what AWS verifies with is whatever was last uploaded. A next key made after the
 * last upload is unknown to AWS: promoting it would break every workload. The canary exchanges a token the next
 * key signs through each connection first, and the rotation (and the schedule) waits until AWS accepts it.
 */
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createRotationCanary } from '../../src/doctor/index.js';
import { parseS3Url, uploadPublishedFiles } from '../../src/issuer/index.js';
import { ADMIN, iamClient, webIdentityTrustPolicy } from '../emulator/emulator_clients.js';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

/** Short enough that moving the clock past it stays within SigV4's 15-minute skew (uploads are signed on the real clock). */
const ROTATION_INTERVAL_SECONDS = 600;
const roleArn = (name: string): string => `arn:aws:iam::${DEFAULT_ACCOUNT.accountId}:role/${name}`;

interface KeyView {
  kid: string;
  state: string;
}
interface AuditEvent {
  action: string;
  actor: unknown;
  outcome: string;
  details: Record<string, unknown>;
}
interface CanaryError {
  error: {
    code: string;
    message: string;
    details: {
      kid: string;
      issuer: string;
      connections: Array<{ connection: string; status: string; stsCode: string; stsMessage: string; sessionName: string; current: { accepted: boolean } }>;
      accepted: string[];
      ignored: Array<{ connection: string; status: string; currentKeyStsCode?: string }>;
    };
  };
}

describe('rotation canary: a next key AWS cannot verify does not start signing', () => {
  let offset = 0;
  const now = (): number => Date.now() + offset;
  let emulator: RunningEmulator;
  let server: TestServer;

  const api = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { ...server.adminHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const keys = async (tenant: string): Promise<KeyView[]> => (await api<{ keys: KeyView[] }>('GET', `/tenants/${tenant}/keys`)).body.keys;
  const keyIn = async (tenant: string, state: string): Promise<string> => (await keys(tenant)).find((k) => k.state === state)!.kid;
  const audit = async (action: string): Promise<AuditEvent[]> =>
    (await api<{ events: AuditEvent[] }>('GET', `/tenants/acme/audit?action=${action}&limit=1000`)).body.events;
  /** What `rolebridge publish --s3 s3://issuers --public-read` uploads: the issuer's documents as they are now. */
  const publish = async (tenant: string): Promise<void> => {
    await uploadPublishedFiles(await server.deps.issuer.publicationFiles(tenant), parseS3Url('s3://issuers'), {
      publicRead: true,
      client: { endpoint: emulator.url, region: 'us-east-1', credentials: ADMIN },
    });
  };

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, host: '127.0.0.1', now });
    await new S3Client({ endpoint: emulator.url, region: 'us-east-1', credentials: ADMIN, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'issuers' }));
    server = await startTestServer({
      issuerTemplate: `${emulator.url}/issuers/t/{tenant}`,
      jwksMaxAgeSeconds: 0,
      keyRotationIntervalSeconds: ROTATION_INTERVAL_SECONDS,
      runtime: { now, broker: { sts: { endpoint: emulator.url, maxAttempts: 1 } } },
    });
    expect((await api('POST', '/tenants', { id: 'acme', name: 'Acme' })).status).toBe(201);
    expect((await api('POST', '/tenants/acme/token-configs', { name: 'default', subjectTemplate: 'deployment:{deployment}:component:{component}' })).status).toBe(201);
    expect((await api('POST', '/tenants/acme/workloads', { deployment: 'prod', component: 'api' })).status).toBe(201);
    await publish('acme');

    const issuer = `${emulator.url}/issuers/t/acme`;
    const iam = iamClient(emulator.url);
    const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ['sts.amazonaws.com'] }));
    const prefix = issuer.replace(/^http:\/\//, '');
    const trust = (sub: string): string => webIdentityTrustPolicy(provider.OpenIDConnectProviderArn!, prefix, sub);
    await iam.send(new CreateRoleCommand({ RoleName: 'acme-warehouse', AssumeRolePolicyDocument: trust('deployment:prod:component:api') }));
    // A role whose trust policy admits another workload: the connection is broken whatever the key.
    await iam.send(new CreateRoleCommand({ RoleName: 'acme-broken', AssumeRolePolicyDocument: trust('deployment:staging:component:api') }));
    const created = await api('POST', '/tenants/acme/connections', { name: 'warehouse', roleArn: roleArn('acme-warehouse'), region: 'us-east-1', tokenConfig: 'default' });
    expect(created.status).toBe(201);
    const broken = await api('POST', '/tenants/acme/connections', { name: 'broken', roleArn: roleArn('acme-broken'), region: 'us-east-1', tokenConfig: 'default', verify: false });
    expect(broken.status).toBe(201);
  });

  afterAll(async () => {
    await server?.close().catch(() => undefined);
    await emulator?.close();
  });

  it('keys/rotate answers 409 next_key_not_accepted naming the connection and STS\'s answer, audits it, and promotes once AWS sees the key', async () => {
    const active = await keyIn('acme', 'active');
    // Revoking the published next key makes a new one, which the static copy AWS reads does not list.
    expect((await api('POST', `/tenants/acme/keys/${await keyIn('acme', 'next')}/revoke`)).status).toBe(200);
    const next = await keyIn('acme', 'next');

    const refused = await api<CanaryError>('POST', '/tenants/acme/keys/rotate');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('next_key_not_accepted');
    expect(refused.body.error.message).toContain(next);
    expect(refused.body.error.message).toContain('warehouse');
    const { details } = refused.body.error;
    expect(details.kid).toBe(next);
    expect(details.connections).toHaveLength(1);
    expect(details.connections[0]).toMatchObject({ connection: 'warehouse', status: 'refused', stsCode: 'InvalidIdentityToken', current: { accepted: true } });
    expect(details.connections[0]!.stsMessage).toContain("Couldn't retrieve verification key");
    // The broken connection refuses the current key too: it is reported, and it does not hold the rotation.
    expect(details.ignored).toEqual([expect.objectContaining({ connection: 'broken', status: 'ignored', currentKeyStsCode: 'AccessDenied' })]);
    expect(await keyIn('acme', 'active')).toBe(active);
    expect(await keyIn('acme', 'next')).toBe(next);

    const [event] = await audit('signing_key.promotion_refused');
    expect(event).toMatchObject({ outcome: 'failure', details: { trigger: 'rotate', activeKid: active, canary: { kid: next, accepted: [] } } });
    expect((event!.details.canary as { refused: Array<{ connection: string; sessionName: string }> }).refused).toEqual([
      expect.objectContaining({ connection: 'warehouse', stsCode: 'InvalidIdentityToken', sessionName: details.connections[0]!.sessionName }),
    ]);
    // The probes are real, labelled exchanges: CloudTrail (the emulator's events) shows them by session name.
    const events = (await (await fetch(`${emulator.url}/_emulator/events`)).json()) as Array<{ eventName: string; requestParameters: { roleSessionName?: string } }>;
    const sessions = events.filter((e) => e.eventName === 'AssumeRoleWithWebIdentity').map((e) => e.requestParameters.roleSessionName ?? '');
    expect(sessions).toContain(details.connections[0]!.sessionName);
    expect(sessions.some((name) => name.startsWith('rb-probe-current-'))).toBe(true);

    await publish('acme');
    const rotated = await api<{ keys: KeyView[] }>('POST', '/tenants/acme/keys/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.body.keys.find((k) => k.state === 'active')!.kid).toBe(next);
    const [done] = (await audit('signing_key.rotated')).slice(-1);
    expect(done!.details.canary).toMatchObject({ kid: next, accepted: ['warehouse'], refused: [], ignored: [expect.objectContaining({ connection: 'broken' })] });
  });

  it('the key-maintenance schedule waits the same way, and promotes on its first run after the key is published', async () => {
    const active = await keyIn('acme', 'active');
    const next = await keyIn('acme', 'next'); // made by the last rotation, never published
    offset += (ROTATION_INTERVAL_SECONDS + 1) * 1000; // the active key is due (the emulator's clock moves too)

    await server.deps.issuer.runKeyMaintenance();
    expect(await keyIn('acme', 'active')).toBe(active);
    const refusals = (await audit('signing_key.promotion_refused')).filter((e) => e.actor === 'system:key-scheduler');
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    expect(refusals.at(-1)!.details).toMatchObject({ trigger: 'schedule', canary: { kid: next } });
    expect(server.logs.some((line) => String(line.msg).includes('key maintenance of acme failed'))).toBe(true);

    await publish('acme');
    await server.deps.issuer.runKeyMaintenance();
    expect(await keyIn('acme', 'active')).toBe(next);
    const maintained = (await audit('signing_key.maintained')).filter((e) => (e.details.canary as { kid?: string } | undefined)?.kid === next);
    expect(maintained).toHaveLength(1);
    expect(maintained[0]!.details.canary).toMatchObject({ accepted: ['warehouse'], refused: [] });
  });

  it('a configured canary connection is the only one probed', async () => {
    const promotion = { tenantId: 'acme', issuer: `${emulator.url}/issuers/t/acme`, nextKid: await keyIn('acme', 'next'), activeKid: await keyIn('acme', 'active') };
    const canary = (connection: string) =>
      createRotationCanary({ store: server.store, issuer: server.deps.issuer, runChain: server.deps.broker.runChain, now, mode: { connection } });
    // The next key is unpublished: through `warehouse` it is refused, `broken` alone cannot tell.
    await expect(canary('warehouse')({ ...promotion, trigger: 'rotate', actor: 'test' })).rejects.toMatchObject({ code: 'next_key_not_accepted' });
    expect(await canary('broken')({ ...promotion, trigger: 'rotate', actor: 'test' })).toEqual({
      canary: expect.objectContaining({ accepted: [], refused: [], ignored: [expect.objectContaining({ connection: 'broken' })] }),
    });
    const off = createRotationCanary({ store: server.store, issuer: server.deps.issuer, runChain: server.deps.broker.runChain, now, mode: 'off' });
    expect(await off({ ...promotion, trigger: 'rotate', actor: 'test' })).toBeUndefined();
  });

  it('a tenant without connections rotates as before, without a probe', async () => {
    expect((await api('POST', '/tenants', { id: 'globex', name: 'Globex' })).status).toBe(201);
    const next = await keyIn('globex', 'next');
    // Nothing of globex is published at all: only a probe could notice, and there is nothing to probe.
    const rotated = await api<{ keys: KeyView[] }>('POST', '/tenants/globex/keys/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.body.keys.find((k) => k.state === 'active')!.kid).toBe(next);
    const events = (await api<{ events: AuditEvent[] }>('GET', '/tenants/globex/audit?action=signing_key.rotated')).body.events;
    expect(events).toHaveLength(1);
    expect(events[0]!.details.canary).toBeUndefined();
  });
});
