import { evaluatePolicy, webIdentityRequest, type PolicyJson, type PolicyStatementJson } from '../policy/index.js';
import { isConditionKeyClaim } from '../claims/index.js';
import type { ProbeKind } from '../issuer/index.js';
import { PROVEN_PROBES, simulatedProbeClaims } from './negative_probes.js';
import type { WebIdentityFacts } from './web_identity_context.js';

/**
 * Whether the doctor offers a fix, and the proof behind it. `proven`: the policy engine admitted the tested
 * token with the corrected document and refused every negative probe the original did not already admit.
 * `none`: no safe automatic fix exists, and `reason` says why — the doctor never offers one that fails.
 */
export type OfferedFix =
  | {
      status: 'proven';
      /** `statement`: paste `correctedStatement` over the statement at `replaces`; `document`: replace the whole policy with `correctedDocument`. */
      scope: 'statement' | 'document';
      /** Path of the statement the corrected one replaces (absent when a statement is added). */
      replaces?: string;
      /** Negative probes the corrected document refuses, per the policy engine. */
      refusedProbes: ProbeKind[];
      /** Probes the original policy's own pin already admitted (a deployment- or tenant-wide connection). */
      admittedAsBefore: ProbeKind[];
    }
  | { status: 'none'; reason: string };

/** Why a candidate fails its proof, or the proof. */
export type FixProof = { ok: true; refusedProbes: ProbeKind[]; admittedAsBefore: ProbeKind[] } | { ok: false; reason: string };

/**
 * Proves a corrected trust policy with the policy engine before the doctor offers it: it must admit the tested
 * token, refuse the negative probes (sibling deployment, other tenant, wrong audience) unless the original
 * policy already admitted that probe, and the statements the doctor wrote must hold no condition that cannot
 * match for this issuer.
 */
export function proveTrustFix(
  corrected: PolicyJson,
  written: readonly PolicyStatementJson[],
  facts: WebIdentityFacts,
  original: { admits(claims: Readonly<Record<string, unknown>>): boolean },
): FixProof {
  const unmatchable = written.flatMap((statement) => unmatchableKeys(statement, facts));
  if (unmatchable.length > 0) return { ok: false, reason: `it would hold conditions that can never match for ${facts.issuer}: ${unmatchable.join(', ')}` };
  if (!admitsClaims(corrected, facts, facts.claims)) return { ok: false, reason: 'the policy engine still refuses the tested token with it' };
  const refusedProbes: ProbeKind[] = [];
  const admittedAsBefore: ProbeKind[] = [];
  for (const probe of PROVEN_PROBES) {
    const claims = simulatedProbeClaims(facts, probe);
    if (!admitsClaims(corrected, facts, claims)) refusedProbes.push(probe);
    else if (original.admits(claims)) admittedAsBefore.push(probe);
    else return { ok: false, reason: `it would admit the ${probe.replace('_', ' ')} probe (sub ${String(claims.sub)}, aud ${String(claims.aud)})` };
  }
  return { ok: true, refusedProbes, admittedAsBefore };
}

/** Whether a policy admits a token with these claims, per the engine STS (the emulator) uses. */
export function admitsClaims(policy: PolicyJson | string | object, facts: WebIdentityFacts, claims: Readonly<Record<string, unknown>>): boolean {
  const request = webIdentityRequest({
    claims,
    issuer: facts.issuer,
    providerArn: facts.providerArn,
    roleArn: facts.roleArn,
    ...(facts.sessionName === undefined ? {} : { roleSessionName: facts.sessionName }),
  });
  return evaluatePolicy(policy, request).decision === 'Allowed';
}

/**
 * Condition keys that cannot match for this issuer: a provider key (`host/path:claim`) with another issuer's
 * prefix, or a claim AWS never exposes.
 */
export function unmatchableKeys(statement: PolicyStatementJson, facts: WebIdentityFacts): string[] {
  const found: string[] = [];
  for (const block of Object.values(statement.Condition ?? {})) {
    for (const key of Object.keys(block)) {
      const colon = key.lastIndexOf(':');
      const prefix = key.slice(0, colon);
      if (colon <= 0 || !/[./]/.test(prefix)) continue;
      if (prefix.toLowerCase() !== facts.keyPrefix.toLowerCase() || !isConditionKeyClaim(key.slice(colon + 1).toLowerCase())) found.push(key);
    }
  }
  return found;
}
