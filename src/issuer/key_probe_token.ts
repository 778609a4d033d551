import type { WorkloadRecord } from '../store/index.js';
import type { Issuer } from './issuer.js';
import { withProbeClaims } from './probe_claims.js';

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
  // The claims preview is exactly what the workload's token carries under this config (same builder as minting).
  const preview = await issuer.previewToken(workload.tenantId, input.tokenConfig, { workload: workload.id });
  const signer = await issuer.keyRing.signerForKey(workload.tenantId, input.kid);
  const { claims, jti, expiresAt } = withProbeClaims(preview.claims, { now: input.now, jtiPrefix: 'canary', mark: 'rotation_canary' });
  return { token: await signer.sign(claims), jti, kid: input.kid, subject: String(preview.claims.sub), audience: String(preview.claims.aud), expiresAt };
}
