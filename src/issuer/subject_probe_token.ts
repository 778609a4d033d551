import type { Issuer } from './issuer.js';
import { withProbeClaims } from './probe_claims.js';

/** Which subject format a subject-migration probe carries: the stored template's, or the planned one's. */
export type SubjectProbeLabel = 'current' | 'new';

export interface SubjectProbeToken {
  label: SubjectProbeLabel;
  token: string;
  /** `probe-<uuid>`: the session name and the audit carry it, never the token. */
  jti: string;
  claims: Record<string, unknown>;
  subject: string;
  audience: string;
  /** Epoch ms. */
  expiresAt: number;
}

/**
 * A probe token of a token config for one workload, in the current subject format or a planned one
 * (`subjectTemplate`). Its claims are the claims preview's (`Issuer.previewToken`, so exactly what a workload's
 * token carries under that template), plus the time claims, a `probe-` jti and the probe claim
 * (`subject_current` / `subject_new`), signed with the tenant's active key under its real issuer: only the
 * role's trust policy decides whether AWS admits it.
 */
export async function mintSubjectProbeToken(
  issuer: Issuer,
  input: { tenantId: string; tokenConfig: string; workload: string; label: SubjectProbeLabel; subjectTemplate?: string; now: number },
): Promise<SubjectProbeToken> {
  const preview = await issuer.previewToken(input.tenantId, input.tokenConfig, {
    workload: input.workload,
    ...(input.subjectTemplate === undefined ? {} : { subjectTemplate: input.subjectTemplate }),
  });
  const keys = issuer.keyRing.peek(input.tenantId) ?? (await issuer.keyRing.get(input.tenantId));
  const signer = issuer.keyRing.signerOf(keys);
  const { claims, jti, expiresAt } = withProbeClaims(preview.claims, { now: input.now, jtiPrefix: 'probe', mark: `subject_${input.label}` });
  return {
    label: input.label,
    token: await signer.sign(claims),
    jti,
    claims,
    subject: String(preview.claims.sub),
    audience: String(preview.claims.aud),
    expiresAt,
  };
}
