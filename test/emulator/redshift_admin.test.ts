import { GetClusterCredentialsCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { GetCredentialsCommand, GetWorkgroupCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { ADMIN } from './emulator_clients.js';

// The admin set-up over the emulator's own HTTP admin paths (no AWS credentials needed); what it
// creates is then seen by the real SDK clients exactly like resources made with CreateCluster.
const PARTNER = { accountId: '210987654321', accessKeyId: 'AKIAI44QH8DHBEXAMPLE', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY' };

describe('Redshift admin set-up paths', () => {
  let emulator: RunningEmulator;
  const admin = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { status: response.status, body: await response.json() };
  };

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, accounts: [DEFAULT_ACCOUNT, PARTNER] });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('creates a cluster in the first account by default, visible to GetClusterCredentials', async () => {
    const created = await admin('POST', '/_emulator/redshift/clusters', { clusterIdentifier: 'Analytics', dbName: 'sales' });
    expect(created?.status).toBe(201);
    expect(created?.body).toMatchObject({ accountId: DEFAULT_ACCOUNT.accountId, region: 'us-east-1', cluster: { ClusterIdentifier: 'analytics', DBName: 'sales' } });
    const redshift = new RedshiftClient({ endpoint: emulator.url, region: 'us-east-1', credentials: ADMIN, maxAttempts: 1 });
    const answer = await redshift.send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'analytics', DbUser: 'alice' }));
    expect(answer.DbUser).toBe('IAM:alice');
    expect(await admin('POST', '/_emulator/redshift/clusters', { clusterIdentifier: 'analytics' })).toMatchObject({ status: 409, body: { error: { code: 'ClusterAlreadyExists' } } });
  });

  it('creates a workgroup (and its namespace) in a chosen account and region', async () => {
    const created = await admin('POST', '/_emulator/redshift-serverless/workgroups', { workgroupName: 'reporting', accountId: PARTNER.accountId, region: 'eu-west-1', port: 5440 });
    expect(created?.status).toBe(201);
    expect(created?.body).toMatchObject({ namespace: { namespaceName: 'reporting-ns' }, workgroup: { workgroupName: 'reporting', port: 5440 } });
    const serverless = new RedshiftServerlessClient({ endpoint: emulator.url, region: 'eu-west-1', credentials: PARTNER, maxAttempts: 1 });
    const { workgroup } = await serverless.send(new GetWorkgroupCommand({ workgroupName: 'reporting' }));
    expect(workgroup?.endpoint).toEqual({ address: 'reporting.210987654321.eu-west-1.redshift-serverless.amazonaws.com', port: 5440 });
    expect((await serverless.send(new GetCredentialsCommand({ workgroupName: 'reporting' }))).dbUser).toBe('IAM:root');
    // Another account or region does not see it.
    const elsewhere = new RedshiftServerlessClient({ endpoint: emulator.url, region: 'us-east-1', credentials: PARTNER, maxAttempts: 1 });
    await expect(elsewhere.send(new GetWorkgroupCommand({ workgroupName: 'reporting' }))).rejects.toThrow('Serverless workgroup reporting not found.');
  });

  it('lists what exists and rejects bad input with the emulator error shape', async () => {
    expect((await admin('GET', '/_emulator/redshift/clusters')).body).toMatchObject({ clusters: [{ ClusterIdentifier: 'analytics' }] });
    expect((await admin('GET', '/_emulator/redshift-serverless/workgroups')).body).toMatchObject({ workgroups: [{ workgroupName: 'reporting' }] });
    expect(await admin('POST', '/_emulator/redshift/clusters', { clusterIdentifier: '9bad' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_cluster' } } });
    expect(await admin('POST', '/_emulator/redshift-serverless/workgroups', { workgroupName: 'UPPER' })).toMatchObject({ status: 400 });
    expect(await admin('POST', '/_emulator/redshift/clusters', { clusterIdentifier: 'x', accountId: '999999999999' })).toMatchObject({ status: 400, body: { error: { code: 'unknown_account' } } });
    expect((await admin('GET', '/_emulator/nope')).status).toBe(404);
  });
});
