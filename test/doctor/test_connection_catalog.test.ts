import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CreateOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';
import { evaluatePolicy, parsePolicy, webIdentityRequest } from '../../src/policy/index.js';
import { testConnection, type DoctorTokens } from '../../src/doctor/test_connection.js';
import type { BrokerConnection } from '../../src/broker/index.js';
import type { Diagnosis } from '../../src/doctor/diagnosis.js';
import { startTestIssuer, type TestIssuer } from '../helpers/test_issuer.js';
import {
  ACCOUNT,
  AUDIENCE,
  SUBJECT,
  clearFaults,
  connectionFor,
  createRole,
  setFault,
  startDoctorWorld,
  testIssuerTokens,
  trustPolicy,
  type DoctorWorld,
} from './doctor_fixture.js';

/**
 * The hidden-style table: each misconfiguration is built in the emulator with the AWS SDK (IAM), the
 * doctor runs the real exchange against it, and the diagnosis code (and corrected value) is asserted.
 */
let world: DoctorWorld;
let offlineIssuer: TestIssuer;
let unregisteredIssuer: TestIssuer;
let roleCounter = 0;
const nextRole = (): string => `doctor-role-${++roleCounter}`;

beforeAll(async () => {
  world = await startDoctorWorld();
  // An issuer AWS knows (provider exists) but cannot reach, and one it has no provider for.
  offlineIssuer = await startTestIssuer({ path: '/t/offline' });
  offlineIssuer.setOffline(true);
  await world.iam.send(new CreateOpenIDConnectProviderCommand({ Url: offlineIssuer.issuer, ClientIDList: [AUDIENCE] }));
  unregisteredIssuer = await startTestIssuer({ path: '/t/unregistered' });
});
afterAll(async () => {
  await world.close();
  await offlineIssuer.close();
  await unregisteredIssuer.close();
});
afterEach(async () => clearFaults(world));

interface Case {
  name: string;
  arrange(world: DoctorWorld): Promise<{ connection: BrokerConnection; tokens?: DoctorTokens; trustPolicy?: string; fault?: Record<string, unknown> }>;
  code: string;
  /** Further checks on the diagnosis (corrected value, actual vs expected). */
  check?(diagnosis: Diagnosis, world: DoctorWorld): void;
}

/** The corrected statement must really let the connection's token in, per the engine the emulator uses. */
function admitsConnection(diagnosis: Diagnosis, world: DoctorWorld, claims: Record<string, unknown> = {}): boolean {
  const request = webIdentityRequest({
    claims: { iss: world.issuer.issuer, aud: AUDIENCE, sub: SUBJECT, ...claims },
    providerArn: world.providerArn,
  });
  return evaluatePolicy(parsePolicy({ Version: '2012-10-17', Statement: [diagnosis.correctedStatement] }), request).decision === 'Allowed';
}

const cases: Case[] = [
  {
    name: 'AccessDenied: sub pinned to another workload (trust policy known)',
    arrange: async (w) => {
      const policy = trustPolicy(w, { Condition: { StringEquals: { [`${w.prefix}:aud`]: AUDIENCE, [`${w.prefix}:sub`]: 'tenant:acme:deployment:prod:component:api' } } });
      return { connection: connectionFor(await createRole(w, nextRole(), policy)), trustPolicy: policy };
    },
    code: 'trust_subject_mismatch',
    check: (d, w) => {
      expect(d.actual).toBe('StringEquals tenant:acme:deployment:prod:component:api');
      expect(d.expected).toBe(`StringEquals ${SUBJECT}`);
      expect(admitsConnection(d, w)).toBe(true);
    },
  },
  {
    name: 'AccessDenied: aud condition on another audience',
    arrange: async (w) => {
      const policy = trustPolicy(w, { Condition: { StringEquals: { [`${w.prefix}:aud`]: 'prefect-cloud', [`${w.prefix}:sub`]: SUBJECT } } });
      return { connection: connectionFor(await createRole(w, nextRole(), policy)), trustPolicy: policy };
    },
    code: 'trust_audience_mismatch',
    check: (d, w) => {
      expect(d.expected).toBe(`StringEquals ${AUDIENCE}`);
      expect(admitsConnection(d, w)).toBe(true);
    },
  },
  {
    name: 'AccessDenied: wrong provider ARN in the principal',
    arrange: async (w) => {
      const policy = trustPolicy(w, { Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${w.prefix}/oidc-provider` } });
      return { connection: connectionFor(await createRole(w, nextRole(), policy)), trustPolicy: policy };
    },
    code: 'trust_principal_mismatch',
    check: (d, w) => {
      expect(d.expected).toBe(w.providerArn);
      expect(d.correctedStatement?.Principal).toEqual({ Federated: w.providerArn });
    },
  },
  {
    name: 'AccessDenied: sts:AssumeRole instead of sts:AssumeRoleWithWebIdentity',
    arrange: async (w) => {
      const policy = trustPolicy(w, { Action: 'sts:AssumeRole' });
      return { connection: connectionFor(await createRole(w, nextRole(), policy)), trustPolicy: policy };
    },
    code: 'trust_action_mismatch',
    check: (d) => expect(d.correctedStatement?.Action).toBe('sts:AssumeRoleWithWebIdentity'),
  },
  {
    name: 'AccessDenied: an sts:ExternalId condition no web identity can satisfy',
    arrange: async (w) => {
      const policy = trustPolicy(w, { Condition: { StringEquals: { [`${w.prefix}:sub`]: SUBJECT, 'sts:ExternalId': 'acme-7f3a' } } });
      return { connection: connectionFor(await createRole(w, nextRole(), policy)), trustPolicy: policy };
    },
    code: 'trust_external_id_on_web_identity',
    check: (d, w) => {
      expect(d.expected).toBeNull();
      expect(JSON.stringify(d.correctedStatement)).not.toContain('ExternalId');
      expect(admitsConnection(d, w)).toBe(true);
    },
  },
  {
    name: 'AccessDenied: session tags without sts:TagSession',
    arrange: async (w) => {
      const policy = trustPolicy(w);
      return {
        connection: connectionFor(await createRole(w, nextRole(), policy)),
        tokens: testIssuerTokens(w.issuer, { 'https://aws.amazon.com/tags': { principal_tags: { team: ['etl'] } } }),
        trustPolicy: policy,
      };
    },
    code: 'trust_missing_tag_session',
    check: (d) => expect(d.correctedStatement?.Action).toEqual(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']),
  },
  {
    name: 'AccessDenied without the trust policy: inferred, with how to confirm',
    arrange: async (w) => ({ connection: connectionFor(await createRole(w, nextRole(), trustPolicy(w, { Condition: { StringEquals: { [`${w.prefix}:sub`]: 'nobody' } } }))) }),
    code: 'trust_policy_refused',
    check: (d, w) => {
      expect(d.basis).toBe('inferred');
      expect(d.confirm).toContain('get-role');
      expect(admitsConnection(d, w)).toBe(true);
    },
  },
  {
    name: 'InvalidIdentityToken: no provider for the issuer',
    arrange: async (w) => ({ connection: connectionFor(await createRole(w, nextRole(), trustPolicy(w))), tokens: testIssuerTokens(unregisteredIssuer) }),
    code: 'oidc_provider_not_found',
    check: (d) => expect(d.expected).toContain(`oidc-provider/${unregisteredIssuer.issuer.replace('http://', '')}`),
  },
  {
    name: 'InvalidIdentityToken: incorrect token audience',
    arrange: async (w) => ({ connection: connectionFor(await createRole(w, nextRole(), trustPolicy(w))), tokens: testIssuerTokens(w.issuer, { aud: 'sts.amazon.com' }) }),
    code: 'provider_audience_mismatch',
    check: (d, w) => {
      expect(d.expected).toBe('sts.amazon.com');
      expect(d.fix).toContain(`add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${w.providerArn}`);
    },
  },
  {
    name: 'InvalidIdentityToken: verification key not retrievable',
    arrange: async (w) => ({ connection: connectionFor(await createRole(w, nextRole(), trustPolicy(w))), tokens: testIssuerTokens(offlineIssuer) }),
    code: 'verification_key_unretrievable',
    check: (d) => expect(d.findings.map((f) => f.code)).toContain('discovery_unreachable'),
  },
  {
    name: 'InvalidIdentityToken: missing claim',
    arrange: async (w) => ({ connection: connectionFor(await createRole(w, nextRole(), trustPolicy(w))), tokens: testIssuerTokens(w.issuer, { sub: undefined }) }),
    code: 'token_missing_claim',
    check: (d) => expect(d.cause).toContain('sub'),
  },
  {
    name: 'IDPCommunicationError',
    arrange: async (w) => ({ connection: connectionFor(await createRole(w, nextRole(), trustPolicy(w))), fault: { action: 'AssumeRoleWithWebIdentity', error: 'IDPCommunicationError' } }),
    code: 'idp_communication_error',
    check: (d) => expect(d.transient).toBe(true),
  },
  {
    name: 'ValidationError: session name',
    arrange: async (w) => {
      const first = await createRole(w, nextRole(), trustPolicy(w), { permissions: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } });
      const second = await createRole(w, nextRole(), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: first }, Action: 'sts:AssumeRole' }] }));
      return { connection: connectionFor(first, { chain: [{ roleArn: second, sessionName: 'etl/nightly run' }] }) };
    },
    code: 'invalid_session_name',
  },
  {
    name: 'ValidationError: duration below 900',
    arrange: async (w) => ({ connection: connectionFor(await createRole(w, nextRole(), trustPolicy(w)), { durationSeconds: 600 }) }),
    code: 'invalid_duration',
  },
  {
    name: 'DurationSeconds over the role maximum',
    arrange: async (w) => ({ connection: connectionFor(await createRole(w, nextRole(), trustPolicy(w), { maxSessionDuration: 3600 }), { durationSeconds: 7200 }) }),
    code: 'duration_exceeds_role_maximum',
    check: (d) => {
      expect(d.actual).toBe('7200');
      expect(d.setting).toContain('durationSeconds');
    },
  },
  {
    name: 'DurationSeconds over the one-hour chaining cap',
    arrange: async (w) => {
      const first = await createRole(w, nextRole(), trustPolicy(w), { permissions: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } });
      const second = await createRole(w, nextRole(), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: first }, Action: 'sts:AssumeRole' }] }), { maxSessionDuration: 43200 });
      return { connection: connectionFor(first, { chain: [{ roleArn: second, durationSeconds: 7200 }] }) };
    },
    code: 'duration_exceeds_chaining_cap',
    check: (d) => {
      expect(d.setting).toContain('chain[0].durationSeconds');
      expect(d.expected).toBe('3600 or less');
    },
  },
  {
    name: 'AccessDenied on the chained AssumeRole: ExternalId mismatch',
    arrange: async (w) => {
      const first = await createRole(w, nextRole(), trustPolicy(w), { permissions: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } });
      const second = await createRole(
        w,
        nextRole(),
        JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: first }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'right-id' } } }] }),
      );
      return { connection: connectionFor(first, { chain: [{ roleArn: second, externalId: 'wrong-id' }] }) };
    },
    code: 'chain_external_id_mismatch',
    check: (d) => {
      expect(d.actual).toBe('ExternalId sent: wrong-id');
      expect(d.findings.map((f) => f.code)).toEqual(['chain_external_id_mismatch', 'chain_permission_missing']);
    },
  },
  {
    name: 'AccessDenied on the chained AssumeRole: first role lacks sts:AssumeRole',
    arrange: async (w) => {
      const first = await createRole(w, nextRole(), trustPolicy(w));
      const second = await createRole(w, nextRole(), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }));
      return { connection: connectionFor(first, { chain: [{ roleArn: second }] }) };
    },
    code: 'chain_permission_missing',
    check: (d) => expect(d.fix).toContain('"Action":"sts:AssumeRole"'),
  },
  {
    name: 'RegionDisabledException',
    arrange: async (w) => ({ connection: connectionFor(await createRole(w, nextRole(), trustPolicy(w))), fault: { error: 'RegionDisabledException' } }),
    code: 'region_disabled',
    check: (d) => expect(d.actual).toBe('us-east-1'),
  },
  {
    name: 'IDPRejectedClaim',
    arrange: async (w) => ({ connection: connectionFor(await createRole(w, nextRole(), trustPolicy(w))), fault: { action: 'AssumeRoleWithWebIdentity', error: 'IDPRejectedClaim' } }),
    code: 'idp_rejected_claim',
    check: (d) => expect(d.actual).toContain('explicitly revoked'),
  },
  {
    name: 'PackedPolicyTooLarge',
    arrange: async (w) => ({ connection: connectionFor(await createRole(w, nextRole(), trustPolicy(w))), fault: { action: 'AssumeRoleWithWebIdentity', error: 'PackedPolicyTooLarge' } }),
    code: 'packed_policy_too_large',
    check: (d) => expect(d.actual).toBe('112%'),
  },
  {
    name: 'Throttling',
    arrange: async (w) => ({ connection: connectionFor(await createRole(w, nextRole(), trustPolicy(w))), fault: { action: 'AssumeRoleWithWebIdentity', error: 'Throttling' } }),
    code: 'sts_throttled',
    check: (d) => expect(d.transient).toBe(true),
  },
];

describe('testConnection diagnoses every misconfiguration built in the emulator', () => {
  it.each(cases)('$name', async (testCase) => {
    const arranged = await testCase.arrange(world);
    if (arranged.fault) await setFault(world, arranged.fault);
    const result = await testConnection({
      connection: arranged.connection,
      workloadId: 'wl-etl',
      tokens: arranged.tokens ?? testIssuerTokens(world.issuer),
      sts: { endpoint: world.emulator.url, maxAttempts: 1 },
      ...(arranged.trustPolicy === undefined ? {} : { trustPolicy: arranged.trustPolicy }),
      now: Date.now,
      issuerFetchTimeoutMs: 1000,
    });
    expect(result.ok).toBe(false);
    expect(result.probes).toEqual([]);
    expect(result.diagnosis?.code, JSON.stringify(result.diagnosis, null, 2)).toBe(testCase.code);
    // The failing step carries STS's answer verbatim; no step shows the token.
    expect(result.steps.some((step) => step.status === 'failed')).toBe(true);
    expect(JSON.stringify(result)).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    testCase.check?.(result.diagnosis!, world);
  });
});

describe('ExpiredTokenException', () => {
  it('shows the clock skew between STS and this server', async () => {
    // STS's clock 13 minutes ahead: past the token's 5-minute life plus AWS's 5-minute grace, yet within
    // SigV4's 15-minute tolerance so the IAM set-up calls still work.
    const skewed = await startDoctorWorld({ now: () => Date.now() + 780_000 });
    try {
      const role = await createRole(skewed, 'skewed-role', trustPolicy(skewed));
      const result = await testConnection({
        connection: connectionFor(role),
        workloadId: 'wl-etl',
        tokens: testIssuerTokens(skewed.issuer),
        sts: { endpoint: skewed.emulator.url, maxAttempts: 1 },
        now: Date.now,
      });
      expect(result.diagnosis?.code).toBe('token_expired');
      expect(result.diagnosis?.setting).toBe('rolebridge server clock');
      expect(result.diagnosis?.actual).toMatch(/clock skew 7[78]\d s/);
    } finally {
      await skewed.close();
    }
  });
});

describe('a healthy connection', () => {
  it('passes every step, refuses every probe, and labels the probes in CloudTrail', async () => {
    const role = await createRole(world, nextRole(), trustPolicy(world));
    const result = await testConnection({
      connection: connectionFor(role),
      workloadId: 'wl-etl',
      tokens: testIssuerTokens(world.issuer),
      sts: { endpoint: world.emulator.url, maxAttempts: 1 },
      now: Date.now,
    });
    expect(result.diagnosis).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.steps.map((step) => [step.name, step.status])).toEqual([
      ['token', 'ok'],
      ['issuer', 'warning'],
      ['assume_role_with_web_identity', 'ok'],
      ['get_caller_identity', 'ok'],
    ]);
    expect(result.steps[0]!.detail).toContain(`sub ${SUBJECT}`);
    expect(result.steps[1]!.detail).toContain('acceptable only for the local emulator');
    expect(result.steps[3]!.detail).toContain(`arn:aws:sts::${ACCOUNT}:assumed-role/`);
    expect(result.probes.map((probe) => [probe.probe, probe.status])).toEqual([
      ['sibling_component', 'refused'],
      ['sibling_deployment', 'refused'],
      ['other_tenant', 'refused'],
      ['wrong_audience', 'refused'],
    ]);
    const events = (await (await fetch(`${world.emulator.url}/_emulator/events`)).json()) as Array<{ eventName: string; requestParameters?: Record<string, unknown> }>;
    const probeSessions = events
      .filter((event) => event.eventName === 'AssumeRoleWithWebIdentity')
      .map((event) => String(event.requestParameters?.roleSessionName ?? ''))
      .filter((name) => name.startsWith('rb-probe-'));
    expect(probeSessions.map((name) => name.split('-')[2])).toEqual(expect.arrayContaining(['component', 'deployment', 'tenant', 'audience']));
  });

  it('warns that a tenant-wide trust policy admits sibling workloads (trust_too_broad), with the tightened statement, without failing', async () => {
    const broad = trustPolicy(world, { Condition: { StringEquals: { [`${world.prefix}:aud`]: AUDIENCE }, StringLike: { [`${world.prefix}:sub`]: 'tenant:acme:*' } } });
    const role = await createRole(world, nextRole(), broad);
    const result = await testConnection({
      connection: connectionFor(role),
      workloadId: 'wl-etl',
      tokens: testIssuerTokens(world.issuer),
      sts: { endpoint: world.emulator.url, maxAttempts: 1 },
      trustPolicy: broad,
      now: Date.now,
    });
    expect(result.ok).toBe(true);
    expect(result.diagnosis).toBeUndefined();
    expect(result.probes.map((probe) => [probe.probe, probe.status])).toEqual([
      ['sibling_component', 'accepted'],
      ['sibling_deployment', 'accepted'],
      ['other_tenant', 'refused'],
      ['wrong_audience', 'refused'],
    ]);
    expect(result.probes.filter((probe) => probe.status === 'accepted').map((probe) => probe.severity)).toEqual(['warning', 'warning']);
    expect(result.warnings.map((warning) => warning.code)).toEqual(['trust_too_broad', 'trust_too_broad']);
    expect(result.warnings[0]!.setting).toContain('Statement[0]');
    const tightened = result.warnings[0]!.correctedStatement!;
    expect(tightened.Condition).toEqual({ StringEquals: { [`${world.prefix}:aud`]: AUDIENCE, [`${world.prefix}:sub`]: SUBJECT } });
  });

  it('fails when the role admits another tenant: trust_too_broad is then the diagnosis', async () => {
    const open = trustPolicy(world, { Condition: { StringEquals: { [`${world.prefix}:aud`]: AUDIENCE }, StringLike: { [`${world.prefix}:sub`]: 'tenant:*' } } });
    const role = await createRole(world, nextRole(), open);
    const result = await testConnection({
      connection: connectionFor(role),
      workloadId: 'wl-etl',
      tokens: testIssuerTokens(world.issuer),
      sts: { endpoint: world.emulator.url, maxAttempts: 1 },
      trustPolicy: open,
      now: Date.now,
    });
    expect(result.ok).toBe(false);
    expect(result.probes.find((probe) => probe.probe === 'other_tenant')).toMatchObject({ status: 'accepted', severity: 'error' });
    expect(result.diagnosis?.code).toBe('trust_too_broad');
    expect(result.diagnosis?.actual).toContain('admits sub');
  });
});
