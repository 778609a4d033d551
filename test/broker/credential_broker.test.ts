import { describe, expect, it } from 'vitest';
import { createCredentialBroker, type BrokerConnection, type BrokerWorkload, type RoleChain, type RoleChainRunner, type TokenSource } from '../../src/broker/index.js';
import { StsCallError } from '../../src/aws/index.js';

// Unit level: the STS boundary is a fake runner here. The same broker runs against the real
// SDK + emulator in the end-to-end tests (test/server/credentials*.test.ts).
const workload: BrokerWorkload = { id: 'wl_1', tenantId: 'acme', subject: 'acme:prod:etl' };
const connection: BrokerConnection = {
  tenantId: 'acme',
  name: 'athena',
  tokenConfig: 'aws',
  roleArn: 'arn:aws:iam::111111111111:role/first',
  region: 'us-east-1',
  chain: [{ roleArn: 'arn:aws:iam::222222222222:role/second', externalId: 'ext-1' }],
};

function fakes() {
  let now = 5_000_000;
  const chains: RoleChain[] = [];
  const sessionNames: string[] = [];
  let jti = 0;
  const tokenSource: TokenSource = {
    mint: async () => ({ token: 'header.payload.sig', jti: `jti${++jti}`, claims: {}, expiresAt: now + 300_000 }),
  };
  const runChain: RoleChainRunner = async (chain, identity) => {
    chains.push(chain);
    sessionNames.push(identity.sessionName);
    const last = chain.hops.at(-1)?.roleArn ?? chain.roleArn;
    return {
      roleArn: last,
      steps: [],
      credentials: { accessKeyId: `ASIA${chains.length}`, secretAccessKey: 's', sessionToken: 't', expiresAt: now + 3_600_000, assumedRoleArn: 'arn:aws:sts::x' },
    };
  };
  return { tokenSource, runChain, chains, sessionNames, clock: () => now, advance: (ms: number) => { now += ms; } };
}

describe('createCredentialBroker', () => {
  it('exchanges once and serves the cached credentials after that', async () => {
    const f = fakes();
    const broker = createCredentialBroker({ tokenSource: f.tokenSource, runChain: f.runChain, now: f.clock });
    const first = await broker.getCredentials(workload, connection);
    const second = await broker.getCredentials(workload, connection);
    expect(first).toMatchObject({ accessKeyId: 'ASIA1', roleArn: 'arn:aws:iam::222222222222:role/second', outcome: 'miss' });
    expect(second).toMatchObject({ accessKeyId: 'ASIA1', outcome: 'hit' });
    expect(f.chains).toHaveLength(1);
    expect(f.sessionNames).toEqual(['rb-wl_1-jti1']);
    // The synchronous hot path gives the same cached session; the session object is stable across hits.
    const peeked = broker.peekCredentials(workload, connection)!;
    expect(peeked).toMatchObject({ accessKeyId: 'ASIA1', outcome: 'hit' });
    expect(peeked.session).toBe(second.session);
    expect(broker.peekCredentials({ ...workload, id: 'wl_cold' }, connection)).toBeUndefined();
  });

  it('exchanges again when anything that changes the result changes', async () => {
    const f = fakes();
    const broker = createCredentialBroker({ tokenSource: f.tokenSource, runChain: f.runChain, now: f.clock });
    await broker.getCredentials(workload, connection);
    await broker.getCredentials({ ...workload, id: 'wl_2' }, connection);
    await broker.getCredentials({ ...workload, subject: 'acme:prod:other' }, connection);
    await broker.getCredentials(workload, { ...connection, region: 'eu-west-1' });
    await broker.getCredentials(workload, { ...connection, chain: [{ ...connection.chain[0]!, externalId: 'ext-2' }] });
    await broker.getCredentials(workload, { ...connection, sessionPolicy: '{"Version":"2012-10-17","Statement":[]}' });
    await broker.getCredentials(workload, { ...connection, tokenConfig: 'other' });
    expect(f.chains).toHaveLength(7);
    // ...and a connection with another name but identical settings shares the session.
    await broker.getCredentials(workload, { ...connection, name: 'alias' });
    expect(f.chains).toHaveLength(7);
  });

  it('refuses a workload of another tenant', async () => {
    const f = fakes();
    const broker = createCredentialBroker({ tokenSource: f.tokenSource, runChain: f.runChain, now: f.clock });
    await expect(broker.getCredentials({ ...workload, tenantId: 'other' }, connection)).rejects.toMatchObject({ code: 'connection_not_in_tenant', status: 403 });
    expect(f.chains).toHaveLength(0);
  });

  it('passes STS errors through with their code', async () => {
    const f = fakes();
    const denied = new StsCallError({ operation: 'AssumeRole', step: 1, roleArn: 'r', stsCode: 'AccessDenied', stsMessage: 'User: x is not authorized to perform: sts:AssumeRole on resource: r' });
    const broker = createCredentialBroker({ tokenSource: f.tokenSource, runChain: async () => { throw denied; }, now: f.clock });
    await expect(broker.getCredentials(workload, connection)).rejects.toMatchObject({ code: 'access_denied', status: 403 });
    // A refused role is its tenant's problem: it does not make the server's STS health degraded…
    expect(broker.health().status).toBe('ok');
  });

  it('reports STS outages as degraded health until a success', async () => {
    const f = fakes();
    let down = true;
    const outage = new StsCallError({ operation: 'AssumeRoleWithWebIdentity', step: 0, roleArn: 'r', stsCode: 'ServiceUnavailable', stsMessage: 'Service is unavailable.', httpStatus: 503 });
    const broker = createCredentialBroker({ tokenSource: f.tokenSource, runChain: async (c, i) => { if (down) throw outage; return f.runChain(c, i); }, now: f.clock, errorCooldownMs: 0 });
    await expect(broker.getCredentials(workload, connection)).rejects.toMatchObject({ code: 'sts_unavailable', status: 503 });
    expect(broker.health()).toMatchObject({ status: 'degraded', lastFailure: { error: outage } });
    down = false;
    await broker.getCredentials(workload, connection);
    expect(broker.health().status).toBe('ok');
  });

  it('tells the exchange listener the jti and session name, never credentials', async () => {
    const f = fakes();
    const events: unknown[] = [];
    const broker = createCredentialBroker({ tokenSource: f.tokenSource, runChain: f.runChain, now: f.clock, onExchange: (e) => events.push(e) });
    await broker.getCredentials(workload, connection);
    await broker.getCredentials(workload, connection);
    expect(events).toEqual([{ tenantId: 'acme', workloadId: 'wl_1', connection: 'athena', jti: 'jti1', sessionName: 'rb-wl_1-jti1', steps: [] }]);
  });
});
