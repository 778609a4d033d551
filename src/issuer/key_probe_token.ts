import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../core/index.js';
import type { WorkloadRecord } from '../store/index.js';
import { identityClaims } from './identity_claims.js';
import type { Issuer } from './issuer.js';
import { PROBE_CLAIM } from './probe_token.js';
import { renderSubjectTemplate } from './subject_template.js';
import { compileTokenConfig } from './token_config.js';
import { subjectValuesOf } from './token_issuer.js';

/** A workload's own token, signed by a key chosen by kid (not necessarily the active one). */
export interface KeyProbeToken {
  token: string;
  jti: string;
  kid: string;
  subject: string;
  audience: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Used at once: five minutes is plenty, and a leaked probe is worth little. */
const KEY_PROBE_LIFETIME_SECONDS = 300;

/**
 * The rotation canary's probe: the claims a real token of `workload` carries under `tokenConfig` (subject,
 * audience, session tags), signed by the key `kid` — the next key before it is promoted, or the active one to
 * compare. Only the key differs from a workload's token, so a role that admits one and refuses the other
 * refuses the key. The `rolebridge_probe` claim and a `canary-` jti mark it.
 */
export async function mintKeyProbeToken(
  issuer: Issuer,
  input: { workload: WorkloadRecord; tokenConfig: string; kid: string; now: number },
): Promise<KeyProbeToken> {
  const { workload } = input;
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
  const values = subjectValuesOf(workload);
  const subject = renderSubjectTemplate(config.subjectTemplate, values);
  const signer = await issuer.keyRing.signerForKey(workload.tenantId, input.kid);
  const iat = Math.floor(input.now / 1000);
  const exp = iat + Math.min(KEY_PROBE_LIFETIME_SECONDS, config.lifetimeSeconds);
  const jti = `canary-${randomUUID()}`;
  const claims: Record<string, unknown> = {
    iss: issuer.issuerFor(workload.tenantId),
    sub: subject,
    aud: config.audience,
    iat,
    nbf: iat,
    exp,
    jti,
    ...identityClaims(config, values),
    [PROBE_CLAIM]: 'rotation_canary',
  };
  return { token: await signer.sign(claims), jti, kid: input.kid, subject, audience: config.audience, expiresAt: exp * 1000 };
}
