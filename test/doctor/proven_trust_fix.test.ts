import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { decodeJwt } from 'jose';
import { evaluatePolicy, parsePolicy, webIdentityRequest } from '../../src/policy/index.js';
import { diagnoseTrustFailure } from '../../src/doctor/diagnose_trust_failure.js';
import { webIdentityFacts } from '../../src/doctor/web_identity_context.js';
import type { Diagnosis } from '../../src/doctor/diagnosis.js';
import { AUDIENCE, createRole, PROBE_SUBJECTS, startDoctorWorld, SUBJECT, type DoctorWorld } from './doctor_fixture.js';

/**
 * The doctor's offered fix must always work: for every class of broken trust policy, the corrected statement
 * or document it offers admits the tested token and refuses the negative probes — checked here independently
 * with the policy engine over every class, and for a few by applying it in the emulator and exchanging.
 */
const account = '123456789012';
const issuer = 'https://id.example.com/t/acme';
const prefix = 'id.example.com/t/acme';
const providerArn = `arn:aws:iam::${account}:oidc-provider/${prefix}`;
const githubArn = `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
const roleArn = `arn:aws:iam::${account}:role/rolebridge-etl`;
const WRONG_AUDIENCE = 'rolebridge-probe-wrong-audience';

/** The probes a fix must keep refusing, as the issuer mints them (fixture subjects). */
const probes = (claims: Record<string, unknown>): Array<[string, Record<string, unknown>]> => [
  ['sibling_deployment', { ...claims, sub: PROBE_SUBJECTS.sibling_deployment }],
  ['other_tenant', { ...claims, sub: PROBE_SUBJECTS.other_tenant }],
  ['wrong_audience', { ...claims, aud: WRONG_AUDIENCE }],
];

function decision(policy: object, claims: Record<string, unknown>, provider = providerArn, role = roleArn): string {
  return evaluatePolicy(parsePolicy(policy), webIdentityRequest({ claims, providerArn: provider, roleArn: role })).decision;
}

const allow = (condition: object, extra: object = {}) => ({ Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition, ...extra });
const good = allow({ StringEquals: { [`${prefix}:aud`]: AUDIENCE, [`${prefix}:sub`]: SUBJECT } });
const doc = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });

/** What the diagnosis offers, as the policy the customer ends up with. */
function appliedPolicy(diagnosis: Diagnosis): object {
  if (diagnosis.offeredFix?.status !== 'proven') throw new Error(`no fix offered: ${JSON.stringify(diagnosis.offeredFix)}`);
  if (diagnosis.offeredFix.scope === 'document') return diagnosis.correctedDocument!;
  return doc(diagnosis.correctedStatement!);
}

const CLASSES: Array<[string, object, { scope: 'statement' | 'document'; code: string }]> = [
  ['wrong aud', doc(allow({ StringEquals: { [`${prefix}:aud`]: 'prefect-cloud', [`${prefix}:sub`]: SUBJECT } })), { scope: 'statement', code: 'trust_audience_mismatch' }],
  ['aud pinned with a negated operator', doc(allow({ StringNotEquals: { [`${prefix}:aud`]: AUDIENCE }, StringEquals: { [`${prefix}:sub`]: SUBJECT } })), { scope: 'statement', code: 'trust_audience_mismatch' }],
  ['wrong sub', doc(allow({ StringEquals: { [`${prefix}:aud`]: AUDIENCE, [`${prefix}:sub`]: 'tenant:acme:deployment:prod:component:api' } })), { scope: 'statement', code: 'trust_subject_mismatch' }],
  ['StringEquals with a pattern (meant StringLike)', doc(allow({ StringEquals: { [`${prefix}:aud`]: AUDIENCE, [`${prefix}:sub`]: 'tenant:acme:deployment:prod:*' } })), { scope: 'statement', code: 'trust_subject_mismatch' }],
  ['StringEquals on a deployment prefix', doc(allow({ StringEquals: { [`${prefix}:aud`]: AUDIENCE, [`${prefix}:sub`]: 'tenant:acme:deployment:prod' } })), { scope: 'statement', code: 'trust_subject_mismatch' }],
  ['extra failing condition on a claim the token lacks', doc(allow({ StringEquals: { [`${prefix}:aud`]: AUDIENCE, [`${prefix}:sub`]: SUBJECT, [`${prefix}:email`]: 'ops@acme.example' } })), { scope: 'statement', code: 'trust_condition_failed' }],
  ['extra failing global condition', doc(allow({ StringEquals: { [`${prefix}:aud`]: AUDIENCE, [`${prefix}:sub`]: SUBJECT, 'aws:FederatedProvider': githubArn } })), { scope: 'statement', code: 'trust_condition_failed' }],
  ['Deny on sub', doc(good, { Effect: 'Deny', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { [`${prefix}:sub`]: 'tenant:acme:deployment:prod:*' } } }), { scope: 'document', code: 'trust_explicit_deny' }],
  ['Deny on sub and a wrong aud in the Allow', doc(allow({ StringEquals: { [`${prefix}:aud`]: 'prefect-cloud', [`${prefix}:sub`]: SUBJECT } }), { Effect: 'Deny', Principal: '*', Action: 'sts:*', Condition: { StringLike: { [`${prefix}:sub`]: '*:prod:*' } } }), { scope: 'document', code: 'trust_explicit_deny' }],
  ['Deny of sts:TagSession for a token with session tags', doc(allow({ StringEquals: { [`${prefix}:aud`]: AUDIENCE, [`${prefix}:sub`]: SUBJECT } }, { Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] }), { Effect: 'Deny', Principal: '*', Action: 'sts:TagSession' }), { scope: 'document', code: 'trust_missing_tag_session' }],
  ['wrong provider (a malformed ARN of this issuer)', doc(allow({ StringEquals: { [`${prefix}:aud`]: AUDIENCE, [`${prefix}:sub`]: SUBJECT } }, { Principal: { Federated: `${providerArn}/oidc-provider` } })), { scope: 'statement', code: 'trust_principal_mismatch' }],
  ['wrong provider (another issuer\'s statement, kept)', doc(allow({ StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } }, { Principal: { Federated: githubArn } })), { scope: 'document', code: 'trust_principal_mismatch' }],
  ['condition key of another issuer', doc(allow({ StringEquals: { 'token.actions.githubusercontent.com:aud': AUDIENCE, 'token.actions.githubusercontent.com:sub': SUBJECT } })), { scope: 'statement', code: 'trust_condition_key_mismatch' }],
];

describe('the offered fix, proven for every class of broken trust policy', () => {
  const base = { iss: issuer, aud: AUDIENCE, sub: SUBJECT, jti: 'j1' };
  it.each(CLASSES)('%s: admits the token, refuses the probes, no unmatchable key', (name, policy, expected) => {
    const claims = name.includes('TagSession') ? { ...base, 'https://aws.amazon.com/tags': { principal_tags: { team: ['etl'] } } } : base;
    expect(decision(policy, claims)).not.toBe('Allowed');
    const diagnosis = diagnoseTrustFailure(webIdentityFacts({ claims, roleArn }), JSON.stringify(policy));
    expect(diagnosis.code).toBe(expected.code);
    expect(diagnosis.offeredFix).toMatchObject({ status: 'proven', scope: expected.scope });
    const applied = appliedPolicy(diagnosis);
    expect(decision(applied, claims)).toBe('Allowed');
    for (const [, probe] of probes(claims)) expect(decision(applied, probe)).not.toBe('Allowed');
    // No condition key of another issuer in what the doctor wrote.
    if (diagnosis.correctedStatement) expect(JSON.stringify(diagnosis.correctedStatement)).not.toContain('githubusercontent');
    // The whole document, when offered, is what the statement pasted over the failing one gives.
    if (expected.scope === 'statement') expect(decision(diagnosis.correctedDocument!, claims)).toBe('Allowed');
    if (expected.scope === 'document' && diagnosis.code === 'trust_explicit_deny') expect(diagnosis.correctedStatement).toBeUndefined();
  });

  it('narrows a Deny instead of dropping it: other subjects it denied stay denied', () => {
    const [, policy] = CLASSES.find(([name]) => name === 'Deny on sub')!;
    const diagnosis = diagnoseTrustFailure(webIdentityFacts({ claims: base, roleArn }), policy);
    const denied = { ...base, sub: 'tenant:acme:deployment:prod:component:api' };
    const widened = doc(allow({ StringEquals: { [`${prefix}:aud`]: AUDIENCE }, StringLike: { [`${prefix}:sub`]: 'tenant:acme:*' } }));
    expect(decision({ ...widened, Statement: [...widened.Statement, (diagnosis.correctedDocument!.Statement as object[])[1]!] }, denied)).toBe('ExplicitlyDenied');
  });

  it('keeps another issuer\'s statement and adds the corrected one beside it', () => {
    const [, policy] = CLASSES.find(([name]) => name.startsWith('wrong provider (another'))!;
    const diagnosis = diagnoseTrustFailure(webIdentityFacts({ claims: base, roleArn }), policy);
    const github = { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: 'repo:acme/app:ref:refs/heads/main' };
    expect(decision(diagnosis.correctedDocument!, github, githubArn)).toBe('Allowed');
    expect(diagnosis.offeredFix).not.toHaveProperty('replaces');
  });

  it('says so, and why, when no safe automatic fix exists (a token without sub)', () => {
    const claims = { iss: issuer, aud: AUDIENCE, jti: 'j1' };
    const diagnosis = diagnoseTrustFailure(webIdentityFacts({ claims, roleArn }), JSON.stringify(doc(good)));
    expect(diagnosis.offeredFix).toEqual({ status: 'none', reason: expect.stringContaining('no sub') });
    expect(diagnosis.correctedStatement).toBeUndefined();
    expect(diagnosis.correctedDocument).toBeUndefined();
    // Without the policy, the same answer.
    expect(diagnoseTrustFailure(webIdentityFacts({ claims, roleArn }), undefined).offeredFix).toMatchObject({ status: 'none' });
  });
});

describe('the offered fix, applied in the emulator', () => {
  let world: DoctorWorld;
  let sts: STSClient;
  beforeAll(async () => {
    world = await startDoctorWorld();
    sts = new STSClient({ endpoint: world.emulator.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    sts?.destroy();
    await world?.close();
  });

  const exchange = async (role: string, token: string): Promise<boolean> => {
    try {
      await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: role, RoleSessionName: 'doctor-fix', WebIdentityToken: token }));
      return true;
    } catch {
      return false;
    }
  };

  it.each(['wrong aud', 'aud pinned with a negated operator', 'extra failing condition on a claim the token lacks', 'Deny on sub', 'Deny on sub and a wrong aud in the Allow', 'condition key of another issuer'])(
    '%s: the exchange is refused, then works once the offered fix is applied, and the probes stay out',
    async (name) => {
      // The class's policy, re-keyed to the emulator's issuer.
      const [, policy] = CLASSES.find(([className]) => className === name)!;
      const broken = JSON.stringify(policy).replaceAll(providerArn, world.providerArn).replaceAll(prefix, world.prefix);
      const roleName = `fix-${name.replace(/[^a-z]/gi, '').slice(0, 40)}`;
      const role = await createRole(world, roleName, broken);
      const token = await world.issuer.sign({ sub: SUBJECT });
      expect(await exchange(role, token)).toBe(false);

      const diagnosis = diagnoseTrustFailure(webIdentityFacts({ claims: decodeJwt(token) as Record<string, unknown>, roleArn: role }), broken);
      await world.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(appliedPolicy(diagnosis)) }));
      expect(await exchange(role, token)).toBe(true);
      for (const [probe, claims] of probes({ sub: SUBJECT })) {
        const probeToken = await world.issuer.sign(probe === 'wrong_audience' ? { sub: SUBJECT, aud: WRONG_AUDIENCE } : { sub: String(claims.sub) });
        expect(await exchange(role, probeToken), probe).toBe(false);
      }
    },
  );
});

describe('renderDiagnosis of the offered fix (the CLI text of the same JSON)', () => {
  const base = { iss: issuer, aud: AUDIENCE, sub: SUBJECT, jti: 'j1' };
  it('prints the whole corrected policy for a Deny, and the reason when no fix is offered', async () => {
    const { renderDiagnosis } = await import('../../src/doctor/render_diagnosis.js');
    const [, denyPolicy] = CLASSES.find(([name]) => name === 'Deny on sub')!;
    const deny = renderDiagnosis(diagnoseTrustFailure(webIdentityFacts({ claims: base, roleArn }), denyPolicy));
    expect(deny).toContain('Corrected trust policy');
    expect(deny).toContain('"StringNotEquals"');
    expect(deny).toContain('refuses the probes: sibling_deployment, other_tenant, wrong_audience');
    const none = renderDiagnosis(diagnoseTrustFailure(webIdentityFacts({ claims: { iss: issuer, aud: AUDIENCE }, roleArn }), JSON.stringify(doc(good))));
    expect(none).toContain('No automatic fix');
    expect(none).not.toContain('Corrected trust');
  });
});
