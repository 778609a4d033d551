/**
 * Trust-policy evaluations per second on one core, for a 2-condition web-identity trust policy
 * (aud StringEquals + sub StringLike), goal ≥ 1,000,000/s:
 * - `decidePolicy` on a policy prepared once (the emulator's and the broker's hot path), allowed and denied;
 * - `evaluatePolicy` with the full explanation, for comparison (allocates the explanation object).
 * Baseline, measured in the same run: the same two checks written by hand (a string compare and a prefix test),
 * i.e. the floor any engine pays; the ratio says how close the general engine comes.
 */
import {
  decidePolicy,
  evaluatePolicy,
  oidcProviderArn,
  preparePolicy,
  webIdentityRequest,
  type AuthorizationRequest,
} from '../src/policy/index.js';
import type { BenchResult } from './bench_result.js';

const ISSUER = 'https://auth.rolebridge.example/t/acme';
const PREFIX = 'auth.rolebridge.example/t/acme';
const PROVIDER = oidcProviderArn('123456789012', ISSUER);
const POLICY = {
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Principal: { Federated: PROVIDER },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${PREFIX}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${PREFIX}:sub`]: 'app:deployment:12:*' } },
  }],
};

function request(sub: string): AuthorizationRequest {
  return webIdentityRequest({ claims: { iss: ISSUER, aud: 'sts.amazonaws.com', sub }, providerArn: PROVIDER });
}

/** Runs `body` in batches for `ms` and returns calls per second; the sink keeps the work from being optimised away. */
function opsPerSecond(body: () => unknown, ms = Number(process.env.BENCH_POLICY_MS ?? 2000)): number {
  let sink = 0;
  for (let i = 0; i < 50_000; i++) if (body()) sink++; // warm up the JIT
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 10_000; i++) if (body()) sink++;
    count += 10_000;
  }
  const elapsed = performance.now() - start;
  if (sink < 0) console.log(sink);
  return (count * 1000) / elapsed;
}

export async function run(): Promise<BenchResult[]> {
  const prepared = preparePolicy(POLICY);
  const allowed = request('app:deployment:12:component:api:region:eu-west-1');
  const denied = request('app:deployment:13:component:api:region:eu-west-1');
  if (decidePolicy(prepared, allowed) !== 'Allowed' || decidePolicy(prepared, denied) !== 'ImplicitlyDenied') {
    throw new Error('the benchmark policy does not decide as expected');
  }

  // The floor: the two conditions written by hand against the same request objects.
  const audKey = `${PREFIX}:aud`;
  const subKey = `${PREFIX}:sub`;
  const handWritten = (candidate: AuthorizationRequest) =>
    candidate.principal.id === PROVIDER &&
    candidate.action === 'sts:AssumeRoleWithWebIdentity' &&
    candidate.context[audKey] === 'sts.amazonaws.com' &&
    (candidate.context[subKey] as string).startsWith('app:deployment:12:');
  const baseline = { name: 'hand-written 2-condition check', value: opsPerSecond(() => handWritten(allowed)) };

  const allowedRate = opsPerSecond(() => decidePolicy(prepared, allowed) === 'Allowed');
  const deniedRate = opsPerSecond(() => decidePolicy(prepared, denied) === 'ImplicitlyDenied');
  const explainedRate = opsPerSecond(() => evaluatePolicy(prepared, denied).decision === 'ImplicitlyDenied', 1000);
  const claims = { iss: ISSUER, aud: 'sts.amazonaws.com', sub: 'app:deployment:12:component:api:region:eu-west-1' };
  const endToEndRate = opsPerSecond(() => decidePolicy(prepared, webIdentityRequest({ claims, providerArn: PROVIDER })) === 'Allowed', 1000);

  return [
    { name: baseline.name, value: baseline.value, unit: 'ops/s', note: 'the floor: what any engine pays for these two checks' },
    {
      name: 'trust evaluations/s, one core (prepared policy, allowed)',
      value: allowedRate,
      unit: 'ops/s',
      goal: 1_000_000,
      note: `${(allowedRate / baseline.value).toFixed(2)} of the hand-written check`,
    },
    { name: 'trust evaluations/s, one core (prepared policy, denied)', value: deniedRate, unit: 'ops/s', goal: 1_000_000 },
    { name: 'claims -> request -> decision/s, one core (webIdentityRequest + decidePolicy)', value: endToEndRate, unit: 'ops/s' },
    { name: 'explained evaluations/s, one core (evaluatePolicy with every sentence, denied)', value: explainedRate, unit: 'ops/s' },
  ];
}
