import { NotFoundError } from '../core/index.js';
import type { WorkloadRecord } from '../store/index.js';
import type { Issuer } from './issuer.js';
import { identityClaims } from './identity_claims.js';
import { withProbeClaims } from './probe_claims.js';
import { renderSubjectTemplate, type SubjectValues } from './subject_template.js';
import { compileTokenConfig } from './token_config.js';
import { subjectValuesOf } from './token_issuer.js';

/**
 * The doctor's negative probes: tokens a connection's role must refuse. Each is signed by the tenant's
 * real key under the tenant's real issuer, so only the role's trust policy (or the provider's audience
 * list) can refuse it — a probe that gets in proves the trust policy is too broad.
 */
export const PROBE_KINDS = ['sibling_component', 'sibling_deployment', 'other_tenant', 'wrong_audience'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

/** The audience of the wrong-audience probe: never a real client ID. */
export const PROBE_AUDIENCE = 'rolebridge-probe-wrong-audience';
export { PROBE_CLAIM } from './probe_claims.js';

export interface ProbeToken {
  probe: ProbeKind;
  token: string;
  jti: string;
  claims: Record<string, unknown>;
  subject: string;
  audience: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** A probe that cannot differ from the workload's own token, and why. */
export interface SkippedProbe {
  probe: ProbeKind;
  skipped: string;
}

/**
 * Mints the probe token of one kind for the workload a connection is tested with: another component of
 * its deployment, another deployment of its tenant, another tenant, or the right subject with a wrong
 * audience. When the subject template does not contain what the probe changes (no `{component}`), the
 * probe would carry the workload's own subject and is skipped with the reason.
 */
export async function mintProbeToken(
  issuer: Issuer,
  input: { workload: WorkloadRecord; tokenConfig: string; probe: ProbeKind; now: number },
): Promise<ProbeToken | SkippedProbe> {
  const { workload, probe } = input;
  const view = (await issuer.listTokenConfigs(workload.tenantId)).find((config) => config.name === input.tokenConfig);
  if (!view) {
    throw new NotFoundError('token_config_not_found', `Tenant ${workload.tenantId} has no token config named ${input.tokenConfig}.`, {
      tokenConfig: input.tokenConfig,
    });
  }
  const config = compileTokenConfig({
    name: view.name,
    audience: view.audience,
    subjectTemplate: view.subjectTemplate,
    lifetimeSeconds: view.lifetimeSeconds,
    claims: view.claims,
    ...(view.sessionTags ? { sessionTags: view.sessionTags } : {}),
  });
  const own = subjectValuesOf(workload);
  const values = probeValues(own, probe);
  const ownSubject = renderSubjectTemplate(config.subjectTemplate, own);
  const subject = renderSubjectTemplate(config.subjectTemplate, values);
  if (probe !== 'wrong_audience' && subject === ownSubject) {
    return { probe, skipped: `The subject template ${view.subjectTemplate} does not contain what this probe changes, so its token would carry the workload's own subject.` };
  }
  const audience = probe === 'wrong_audience' ? PROBE_AUDIENCE : config.audience;
  const keys = issuer.keyRing.peek(workload.tenantId) ?? (await issuer.keyRing.get(workload.tenantId));
  const signer = issuer.keyRing.signerOf(keys);
  const { claims, jti, expiresAt } = withProbeClaims(
    { iss: keys.issuer, sub: subject, aud: audience, ...identityClaims(config, values) },
    { now: input.now, jtiPrefix: 'probe', mark: probe, lifetimeSeconds: config.lifetimeSeconds },
  );
  return { probe, token: await signer.sign(claims), jti, claims, subject, audience, expiresAt };
}

/** The identity of the neighbour a probe impersonates; values stay within the subject-value alphabet. */
function probeValues(own: SubjectValues, probe: ProbeKind): SubjectValues {
  const other = (value: string | undefined): string => `rb-probe-${value ?? 'x'}`.slice(0, 64);
  const neighbour = { ...own, workload: other(own.workload) };
  switch (probe) {
    case 'sibling_component':
      return { ...neighbour, component: other(own.component) };
    case 'sibling_deployment':
      return { ...neighbour, deployment: other(own.deployment) };
    case 'other_tenant':
      return { ...neighbour, tenant: other(own.tenant) };
    case 'wrong_audience':
      return own;
  }
}
