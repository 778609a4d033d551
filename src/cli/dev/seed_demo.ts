import { provisionDemoRole } from './provision_demo_role.js';
import type { RunningEmulator } from '../../emulator/index.js';
import { subjectPattern } from '../../policy/index.js';
import { AdminApi } from './admin_api.js';
import type { DevState } from './dev_state.js';

export const DEMO_TENANT = 'acme';
export const DEMO_TOKEN_CONFIG = 'aws';
export const DEMO_CONNECTION = 'demo';
export const DEMO_ROLE = 'rolebridge-demo';
export const DEMO_REGION = 'us-east-1';
const DEMO_SUBJECT_TEMPLATE = 'app:deployment:{deployment}:component:{component}';

export interface DemoSeed {
  issuer: string;
  workload: { id: string; secret: string; subject: string | null };
  roleArn: string;
  connection: string;
}

interface Tenant {
  id: string;
  issuer: string;
}
interface TokenConfig {
  name: string;
  audience: string;
  subjectTemplate: string;
}
interface Workload {
  id: string;
  subject: string | null;
  secret?: string;
}

/**
 * Seeds the demo through the public admin API, as a platform operator would: tenant `acme`, token config `aws`,
 * one workload; then plays the customer in the emulator (OIDC provider + a role trusting deployment `demo`); then
 * binds connection `demo` (verified before save). Safe to run on every start.
 */
export async function seedDemo(serverUrl: string, state: DevState, emulator: RunningEmulator): Promise<DemoSeed> {
  const api = new AdminApi(serverUrl, state.adminToken);
  const tenant = await api.ensure<Tenant>(`/api/v1/tenants/${DEMO_TENANT}`, '/api/v1/tenants', { id: DEMO_TENANT, name: 'Acme Corp (demo)' });

  const configs = await api.request<{ tokenConfigs: TokenConfig[] }>('GET', `/api/v1/tenants/${DEMO_TENANT}/token-configs`);
  let tokenConfig = configs.body.tokenConfigs.find((config) => config.name === DEMO_TOKEN_CONFIG);
  if (!tokenConfig) {
    const created = await api.request<TokenConfig>('POST', `/api/v1/tenants/${DEMO_TENANT}/token-configs`, {
      name: DEMO_TOKEN_CONFIG,
      audience: 'sts.amazonaws.com',
      subjectTemplate: DEMO_SUBJECT_TEMPLATE,
      lifetimeSeconds: 300,
    });
    if (created.status !== 201) throw new Error(`creating the demo token config answered ${created.status}: ${JSON.stringify(created.body)}`);
    tokenConfig = created.body;
  }

  const existing = (await api.request<{ workloads: Workload[] }>('GET', `/api/v1/tenants/${DEMO_TENANT}/workloads`)).body.workloads;
  let workload = state.workload && existing.find((candidate) => candidate.id === state.workload?.id);
  if (!workload || !state.workload) {
    const created = await api.request<Workload>('POST', `/api/v1/tenants/${DEMO_TENANT}/workloads`, {
      deployment: 'demo',
      component: existing.length === 0 ? 'api' : `api-${existing.length + 1}`,
    });
    if (created.status !== 201 || !created.body.secret) {
      throw new Error(`creating the demo workload answered ${created.status}: ${JSON.stringify(created.body)}`);
    }
    workload = created.body;
    state.workload = { id: created.body.id, secret: created.body.secret };
  }

  const account = emulator.accounts[0];
  if (!account) throw new Error('the emulator has no account');
  const { roleArn } = await provisionDemoRole({
    endpoint: emulator.url,
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
    accountId: account.accountId,
    issuer: tenant.issuer,
    audience: tokenConfig.audience,
    subject: subjectPattern(tokenConfig.subjectTemplate, { deployment: 'demo' }),
    roleName: DEMO_ROLE,
  });

  const connection = await api.request<{ error?: { code: string } }>('GET', `/api/v1/tenants/${DEMO_TENANT}/connections/${DEMO_CONNECTION}`);
  if (connection.status === 404) {
    const created = await api.request('POST', `/api/v1/tenants/${DEMO_TENANT}/connections`, {
      name: DEMO_CONNECTION,
      roleArn,
      region: DEMO_REGION,
      tokenConfig: DEMO_TOKEN_CONFIG,
      workload: state.workload.id,
    });
    if (created.status !== 201) throw new Error(`binding the demo connection answered ${created.status}: ${JSON.stringify(created.body)}`);
  }
  return { issuer: tenant.issuer, workload: { ...state.workload, subject: workload.subject }, roleArn, connection: DEMO_CONNECTION };
}
