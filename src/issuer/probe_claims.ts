import { randomUUID } from 'node:crypto';

/** Marks a probe token, so nobody mistakes it for a workload's (the jti carries it too). */
export const PROBE_CLAIM = 'rolebridge_probe';

/** Probes are exchanged at once: five minutes at most, and a leaked probe is worth little. */
const PROBE_LIFETIME_SECONDS = 300;

/**
 * What every probe token adds to the identity it carries (the doctor's negative probes, the subject-migration
 * probes, the rotation canary): the time claims, a `<prefix>-<uuid>` jti that the session name and audit show,
 * and the probe claim saying which probe it is.
 */
export function withProbeClaims(
  identity: Record<string, unknown>,
  input: { now: number; jtiPrefix: 'probe' | 'canary'; mark: string; lifetimeSeconds?: number },
): { claims: Record<string, unknown>; jti: string; expiresAt: number } {
  const iat = Math.floor(input.now / 1000);
  const exp = iat + Math.min(PROBE_LIFETIME_SECONDS, input.lifetimeSeconds ?? PROBE_LIFETIME_SECONDS);
  const jti = `${input.jtiPrefix}-${randomUUID()}`;
  return { claims: { ...identity, iat, nbf: iat, exp, jti, [PROBE_CLAIM]: input.mark }, jti, expiresAt: exp * 1000 };
}
