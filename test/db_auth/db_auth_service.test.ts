import { describe, expect, it } from 'vitest';
import { createDbAuthService } from '../../src/db_auth/index.js';
import { type BrokerConnection, type BrokeredCredentials, type BrokerWorkload, type CredentialBroker } from '../../src/broker/index.js';

// Unit level: the broker is a fake that counts sessions; RDS tokens are signed for real (locally,
// no AWS call), so the cache is observed on real tokens. The Redshift paths are covered end to end
// in db_auth_token_api.test.ts.
const workload: BrokerWorkload = { id: 'wl_1', tenantId: 'acme', subject: 'tenant:acme:deployment:prod:component:etl' };
const connection: BrokerConnection = {
  tenantId: 'acme',
  name: 'orders-db',
  tokenConfig: 'aws',
  roleArn: 'arn:aws:iam::111111111111:role/first',
  region: 'us-east-1',
  chain: [{ roleArn: 'arn:aws:iam::222222222222:role/db', externalId: 'ext-1' }],
};
const rds = { engine: 'postgres' as const, host: 'orders.cluster-abc.us-east-1.rds.amazonaws.com', port: 5432, dbUser: 'app' };

function world() {
  let offset = 0;
  const now = () => Date.now() + offset;
  const sessions: Array<{ connection: BrokerConnection }> = [];
  const broker: Pick<CredentialBroker, 'getCredentials'> = {
    async getCredentials(_workload, conn): Promise<BrokeredCredentials> {
      sessions.push({ connection: conn });
      return {
        accessKeyId: `ASIASESSION${sessions.length}`,
        secretAccessKey: 'secret',
        sessionToken: `token-${sessions.length}`,
        expiresAt: now() + 3_600_000,
        assumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/db/s',
        roleArn: conn.chain.at(-1)?.roleArn ?? conn.roleArn,
        outcome: 'miss',
      };
    },
  };
  const service = createDbAuthService({ broker, now });
  return { service, sessions, advance: (ms: number) => (offset += ms) };
}

describe('DbAuthService cache', () => {
  it('signs once for many requests while the token has more than a minute left', async () => {
    const { service, sessions } = world();
    const issued = await Promise.all(Array.from({ length: 20 }, () => service.issue(workload, connection, rds)));
    expect(sessions).toHaveLength(1); // single-flight: concurrent callers share one load
    expect(new Set(issued.map((i) => i.credentials.password)).size).toBe(1);
    expect(issued.filter((i) => i.outcome === 'miss').length).toBeGreaterThanOrEqual(1);
    expect((await service.issue(workload, connection, rds)).outcome).toBe('hit');
  });

  it('does not hand out a token with less than a minute left', async () => {
    const { service, sessions, advance } = world();
    const first = await service.issue(workload, connection, rds);
    advance(first.credentials.expiresAt - Date.now() - 60_000 + 1);
    const second = await service.issue(workload, connection, rds);
    expect(second.outcome).toBe('miss');
    expect(sessions).toHaveLength(2);
    expect(second.credentials.password).toContain('ASIASESSION2');
  });

  it('keeps tokens apart per ExternalId, role, region, host, port and user', async () => {
    const { service, sessions } = world();
    const other = (changes: Partial<BrokerConnection>) => ({ ...connection, ...changes });
    await service.issue(workload, connection, rds);
    await service.issue(workload, other({ chain: [{ roleArn: 'arn:aws:iam::222222222222:role/db', externalId: 'ext-2' }] }), rds);
    await service.issue(workload, other({ roleArn: 'arn:aws:iam::111111111111:role/second' }), rds);
    await service.issue(workload, connection, { ...rds, region: 'eu-west-1' });
    await service.issue(workload, connection, { ...rds, host: 'replica.example.com' });
    await service.issue(workload, connection, { ...rds, port: 6432 });
    await service.issue(workload, connection, { ...rds, dbUser: 'reporting' });
    await service.issue({ ...workload, id: 'wl_2' }, connection, rds);
    expect(sessions).toHaveLength(8);
    // …and the same again are all hits.
    await service.issue(workload, connection, { ...rds, region: 'eu-west-1' });
    await service.issue(workload, { ...connection, name: 'same-settings-other-name' }, rds);
    expect(sessions).toHaveLength(8);
  });

  it('signs RDS tokens in the database region with the session of the connection', async () => {
    const { service } = world();
    const { credentials } = await service.issue(workload, connection, { ...rds, region: 'eu-west-1' });
    expect(credentials).toMatchObject({ engine: 'postgres', username: 'app', host: rds.host, port: 5432 });
    const params = new URLSearchParams(credentials.password.slice(credentials.password.indexOf('?') + 1));
    expect(params.get('X-Amz-Credential')).toMatch(/^ASIASESSION1\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/);
    expect(params.get('X-Amz-Security-Token')).toBe('token-1');
  });
});
