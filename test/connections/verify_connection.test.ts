import { describe, expect, it } from 'vitest';
import { StsCallError } from '../../src/aws/index.js';
import { verifyConnection } from '../../src/connections/index.js';
import { type BrokerConnection, type RoleChainRunner, type TokenSource } from '../../src/broker/index.js';

const connection: BrokerConnection = { tenantId: 'acme', name: 'c', tokenConfig: 'aws', roleArn: 'arn:aws:iam::111111111111:role/r', region: 'us-east-1', chain: [] };
const workload = { id: 'wl_1', tenantId: 'acme' };
const tokenSource: TokenSource = { mint: async () => ({ token: 'a.b.c', jti: 'j1', claims: { sub: 's' }, expiresAt: Date.now() + 300_000 }) };
const denied = () => new StsCallError({ operation: 'AssumeRoleWithWebIdentity', step: 0, roleArn: connection.roleArn, stsCode: 'AccessDenied', stsMessage: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
const success: Awaited<ReturnType<RoleChainRunner>> = {
  roleArn: connection.roleArn,
  steps: [{ operation: 'AssumeRoleWithWebIdentity', roleArn: connection.roleArn, sessionName: 'rb-wl_1-j1', assumedRoleArn: 'arn:aws:sts::111111111111:assumed-role/r/rb-wl_1-j1', expiresAt: 1 }],
  credentials: { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 't', expiresAt: 1, assumedRoleArn: 'x' },
};

describe('verifyConnection', () => {
  it('retries with bounded, growing delays while IAM propagates, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await verifyConnection(connection, workload, {
      tokenSource,
      runChain: async () => { calls += 1; if (calls < 3) throw denied(); return success; },
      retry: { attempts: 4, initialDelayMs: 100, maxDelayMs: 150, sleep: async (ms) => { delays.push(ms); } },
    });
    expect(result).toMatchObject({ attempts: 3, jti: 'j1', steps: success.steps });
    expect(delays).toEqual([100, 150]);
  });

  it('answers 422 role_not_assumable with STS\'s code, message and the diagnosis after the last attempt', async () => {
    let calls = 0;
    const attempt = verifyConnection(connection, workload, {
      tokenSource,
      runChain: async () => { calls += 1; throw denied(); },
      retry: { attempts: 3, sleep: async () => undefined },
      diagnose: async (failure) => ({ cause: 'trust_policy', sawCode: failure.failure.stsCode, sub: failure.claims.sub }),
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'role_not_assumable',
      status: 422,
      details: { stsCode: 'AccessDenied', stsMessage: 'Not authorized to perform sts:AssumeRoleWithWebIdentity', attempts: 3, diagnosis: { cause: 'trust_policy', sawCode: 'AccessDenied', sub: 's' } },
    });
    expect(calls).toBe(3);
  });

  it('answers sts_unavailable when STS cannot be reached', async () => {
    const down = new StsCallError({ operation: 'AssumeRoleWithWebIdentity', step: 0, roleArn: 'r', stsCode: 'NetworkError', stsMessage: 'connect ECONNREFUSED' });
    await expect(
      verifyConnection(connection, workload, { tokenSource, runChain: async () => { throw down; }, retry: { attempts: 2, sleep: async () => undefined } }),
    ).rejects.toMatchObject({ code: 'sts_unavailable', status: 503 });
  });

  it('tries several workloads in order and reports a refusal rather than one workload\'s throttling', async () => {
    const throttled = new StsCallError({ operation: 'AssumeRoleWithWebIdentity', step: 0, roleArn: connection.roleArn, stsCode: 'Throttling', stsMessage: 'Rate exceeded' });
    const tried: string[] = [];
    const attempt = verifyConnection(connection, [workload, { id: 'wl_2', tenantId: 'acme' }], {
      tokenSource,
      runChain: async (_chain, identity) => {
        tried.push(identity.sessionName);
        throw identity.sessionName.startsWith('rb-wl_1-') ? throttled : denied();
      },
      retry: { attempts: 2, sleep: async () => undefined },
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'role_not_assumable',
      details: { stsCode: 'AccessDenied', workload: 'wl_2', workloadsTried: ['wl_1', 'wl_2'] },
    });
    expect(tried.map((name) => name.slice(0, 8))).toEqual(['rb-wl_1-', 'rb-wl_2-', 'rb-wl_1-', 'rb-wl_2-']);
  });

  it('proves the connection with the first workload the role admits', async () => {
    const result = await verifyConnection(connection, [workload, { id: 'wl_2', tenantId: 'acme' }], {
      tokenSource,
      runChain: async (_chain, identity) => {
        if (identity.sessionName.startsWith('rb-wl_1-')) throw denied();
        return success;
      },
      retry: { attempts: 1, sleep: async () => undefined },
    });
    expect(result.workload.id).toBe('wl_2');
  });
});
