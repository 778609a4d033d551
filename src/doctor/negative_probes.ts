import { evaluatePolicy, parsePolicy, trustPolicyFor, webIdentityRequest } from '../policy/index.js';
import { PROBE_AUDIENCE, type ProbeKind } from '../issuer/index.js';
import type { RoleChainRunner } from '../broker/index.js';
import type { MintedToken } from '../broker/index.js';
import { StsCallError } from '../aws/index.js';
import type { ProbeResult } from './connection_test_result.js';
import { admitsClaims } from './proven_trust_fix.js';
import { offerTightenedTrust, type TightenInput } from './tightened_trust_fix.js';
import { diagnosisOf, type Diagnosis } from './diagnosis.js';
import { webIdentityFacts, type WebIdentityFacts } from './web_identity_context.js';

/** A probe token with what it claims to be, or why the probe does not apply. */
export type MintedProbe = (MintedToken & { subject: string; audience: string }) | { skipped: string };

/** The order probes run in: closest neighbour first. */
export const PROBE_ORDER: readonly ProbeKind[] = ['sibling_component', 'sibling_deployment', 'other_tenant', 'wrong_audience'];

const PROBE_LABELS: Record<ProbeKind, { short: string; who: string }> = {
  sibling_component: { short: 'component', who: 'another component of the same deployment' },
  sibling_deployment: { short: 'deployment', who: 'another deployment of the same tenant' },
  other_tenant: { short: 'tenant', who: 'another tenant' },
  wrong_audience: { short: 'audience', who: 'the right subject with a wrong audience' },
};

/**
 * The probes a corrected trust policy must still refuse before the doctor offers it. A sibling component is
 * left out: a connection for a whole deployment admits it on purpose.
 */
export const PROVEN_PROBES: readonly ProbeKind[] = ['sibling_deployment', 'other_tenant', 'wrong_audience'];

/**
 * The claims of a probe token, derived from the tested token the way the issuer mints probes: the neighbour's
 * tenant or deployment value becomes `rb-probe-<value>`, the wrong-audience probe keeps the subject. Used to
 * prove a fix with the policy engine, without minting or calling STS.
 */
export function simulatedProbeClaims(facts: WebIdentityFacts, probe: ProbeKind): Record<string, unknown> {
  const subject = facts.subject ?? '';
  if (probe === 'wrong_audience') return { ...facts.claims, aud: PROBE_AUDIENCE };
  if (probe === 'sibling_component') return { ...facts.claims, sub: neighbourSubject(subject, 'component') };
  return { ...facts.claims, sub: neighbourSubject(subject, probe === 'other_tenant' ? 'tenant' : 'deployment') };
}

/** `tenant:acme:deployment:prod` with `deployment` → `tenant:acme:deployment:rb-probe-prod`; a subject without the segment gets the prefix whole. */
function neighbourSubject(subject: string, segment: string): string {
  const parts = subject.split(':');
  const at = parts.findIndex((part, index) => index % 2 === 0 && part === segment && index + 1 < parts.length);
  if (at < 0) return `rb-probe-${subject}`;
  parts[at + 1] = `rb-probe-${parts[at + 1]}`;
  return parts.join(':');
}

/**
 * The session name of a probe: `rb-probe-<kind>-<jti>`, so a customer reading CloudTrail sees at once that
 * rolebridge's doctor made the call, and which probe it was.
 */
export function probeSessionName(probe: ProbeKind, jti: string): string {
  return `rb-probe-${PROBE_LABELS[probe].short}-${jti.replace(/^probe-/, '').replace(/[^\w+=,.@-]/g, '-')}`.slice(0, 64);
}

export interface ProbeDeps {
  mintProbe(probe: ProbeKind): Promise<MintedProbe>;
  runChain: RoleChainRunner;
  region: string;
  roleArn: string;
  /** What the connection's own token showed: the identity the tightened statement keeps admitting. */
  connectionFacts: WebIdentityFacts;
  trustPolicy?: string | object;
  /** The scope the connection serves, when it names one: probes inside it may get in, any other is an error. */
  scope?: ServedScope;
}

/** What the doctor knows of a connection's scope. */
export interface ServedScope {
  /** Its text (`component:cube_store`), for messages. */
  text: string;
  /** Whether a probe's token is of a workload inside the scope (a sibling component of a deployment-wide scope). */
  admitsProbe(probe: ProbeKind): boolean;
  /** The `sub` value or pattern of the scope (for the tightened statement); absent: the connection's exact `sub`. */
  subjectPattern?: string;
}

/**
 * After a successful exchange, presents tokens the role must refuse. Only the web-identity step runs: the
 * first role is the one whose trust policy decides. A probe that gets in yields a `trust_too_broad`
 * finding with the statement tightened to the connection's own subject and audience; the credentials it
 * obtained are dropped at once.
 */
export async function runNegativeProbes(deps: ProbeDeps, kinds: readonly ProbeKind[] = PROBE_ORDER): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const probe of kinds) results.push(await runProbe(deps, probe));
  return results;
}

async function runProbe(deps: ProbeDeps, probe: ProbeKind): Promise<ProbeResult> {
  const label = PROBE_LABELS[probe];
  let minted: MintedProbe;
  try {
    minted = await deps.mintProbe(probe);
  } catch (error) {
    return { probe, status: 'inconclusive', detail: `The probe token could not be minted: ${error instanceof Error ? error.message : 'error'}.` };
  }
  if ('skipped' in minted) return { probe, status: 'skipped', detail: minted.skipped };
  const sessionName = probeSessionName(probe, minted.jti);
  const shown = { subject: minted.subject, audience: minted.audience, sessionName, jti: minted.jti };
  try {
    // The shortest session AWS grants: an accepted probe's credentials are never used.
    await deps.runChain({ region: deps.region, roleArn: deps.roleArn, durationSeconds: 900, hops: [] }, { token: minted.token, sessionName });
  } catch (error) {
    if (!(error instanceof StsCallError)) throw error;
    const { stsCode, stsMessage } = error.failure;
    if (error.transient) {
      return { probe, status: 'inconclusive', ...shown, stsCode, detail: `STS did not decide (${stsCode}: ${stsMessage}); run the test again.` };
    }
    return { probe, status: 'refused', ...shown, stsCode, detail: `Refused a token of ${label.who} (${stsCode}: ${stsMessage}).` };
  }
  if (deps.scope?.admitsProbe(probe)) {
    return { probe, status: 'accepted', ...shown, detail: `Accepted a token of ${label.who} (sub ${minted.subject}): inside the scope ${deps.scope.text} the connection serves, as intended.` };
  }
  return {
    probe,
    status: 'accepted',
    ...shown,
    detail: `ACCEPTED a token of ${label.who} (sub ${minted.subject}, aud ${minted.audience}): the role trusts more than this connection${deps.scope ? ` (it serves ${deps.scope.text})` : ''}.`,
    finding: trustTooBroad(deps, probe, minted),
    // With a scope, the connection says who it serves: a workload outside it getting in is never intended.
    severity: deps.scope === undefined && SAME_TENANT_PROBES.has(probe) ? 'warning' : 'error',
  };
}

/**
 * Probes a role may accept on purpose: a connection for a whole deployment or tenant (the seeds' "every
 * component of a deployment" scope) admits its siblings. Another tenant or another audience never is.
 */
const SAME_TENANT_PROBES: ReadonlySet<ProbeKind> = new Set(['sibling_component', 'sibling_deployment']);

function trustTooBroad(deps: ProbeDeps, probe: ProbeKind, minted: MintedToken & { subject: string; audience: string }): Diagnosis {
  const facts = deps.connectionFacts;
  // Offered only once proven with the policy engine, like every other fix the doctor offers.
  const scoped = scopedTightening(deps);
  const offer = offerTightenedTrust({ facts, admittedProbe: minted.claims, ...scoped, ...(deps.trustPolicy === undefined ? {} : { trustPolicy: deps.trustPolicy }) });
  const probeFacts = webIdentityFacts({ claims: minted.claims, roleArn: deps.roleArn });
  const allowing = allowingStatementPath(deps.trustPolicy, probeFacts);
  const wrongAudience = probe === 'wrong_audience';
  return diagnosisOf(
    [
      {
        code: 'trust_too_broad',
        cause: wrongAudience
          ? `The role accepted a token whose audience is ${minted.audience}: neither the OIDC provider's audiences nor the trust policy pin the audience.`
          : `The role accepted a token of ${PROBE_LABELS[probe].who} (sub ${minted.subject}): the trust policy's subject condition admits more than this connection's workloads.`,
        setting: `role trust policy${allowing ? ` › ${allowing}` : ''} › Condition["${facts.keyPrefix}:${wrongAudience ? 'aud' : 'sub'}"]`,
        actual: wrongAudience ? `admits aud ${minted.audience}` : `admits sub ${minted.subject}`,
        expected: wrongAudience ? `StringEquals ${facts.audiences[0] ?? '?'}` : `StringEquals ${facts.subject ?? '?'}`,
        fix: wrongAudience
          ? `Pin ${facts.keyPrefix}:aud with StringEquals "${facts.audiences[0] ?? '?'}" and remove ${minted.audience} from the provider's audiences.`
          : deps.scope?.subjectPattern !== undefined
            ? `Pin ${facts.keyPrefix}:sub to the scope the connection serves (${deps.scope.text}): "${deps.scope.subjectPattern}", as in the tightened statement.`
            : `Pin ${facts.keyPrefix}:sub with StringEquals "${facts.subject ?? '?'}" (or a StringLike pattern no wider than this deployment), as in the tightened statement.`,
      },
    ],
    {
      basis: deps.trustPolicy === undefined ? 'inferred' : 'trust_policy',
      ...(offer.correctedStatement === undefined ? {} : { correctedStatement: offer.correctedStatement }),
      ...(offer.correctedDocument === undefined ? {} : { correctedDocument: offer.correctedDocument }),
      offeredFix: offer.offeredFix,
    },
  );
}

/**
 * For a connection that serves a scope wider than one workload: the tightened statement pins the scope's `sub`
 * pattern (not the tested workload's exact `sub`), and the proof lets it keep admitting what that pattern admits.
 */
function scopedTightening(deps: ProbeDeps): Pick<TightenInput, 'tightened' | 'mayAdmit'> {
  const pattern = deps.scope?.subjectPattern;
  const facts = deps.connectionFacts;
  if (pattern === undefined || facts.providerArn === '' || facts.audiences[0] === undefined) return {};
  try {
    const policy = trustPolicyFor({ issuer: facts.issuer, audience: facts.audiences[0], subject: pattern, providerArn: facts.providerArn, sessionTags: facts.passesSessionTags });
    return { tightened: policy.Statement[0]!, mayAdmit: (claims) => admitsClaims(policy, facts, claims) };
  } catch {
    return {};
  }
}

/** Which statement of the known policy let the probe in. */
function allowingStatementPath(trustPolicy: string | object | undefined, facts: WebIdentityFacts): string | undefined {
  if (trustPolicy === undefined) return undefined;
  try {
    const request = webIdentityRequest({ claims: facts.claims, issuer: facts.issuer, providerArn: facts.providerArn, roleArn: facts.roleArn });
    const evaluation = evaluatePolicy(parsePolicy(trustPolicy), request);
    return evaluation.statements.find((statement) => statement.applies && statement.effect === 'Allow')?.path;
  } catch {
    return undefined;
  }
}
