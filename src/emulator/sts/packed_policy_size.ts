import { deflateRawSync } from 'node:zlib';
import type { Tag } from '../emulator_state.js';

/**
 * `PackedPolicySize`: how much of the packed session-policy-and-tags allowance a request uses, in
 * percent. AWS packs with an undocumented binary compression; the emulator deflates the minified
 * policy and the tags and measures against 2048 bytes, an approximation (recorded AWS value for a
 * 1-statement policy: 16; LocalStack does not compare this value either). Present only when a
 * session policy, policy ARNs or session tags were passed, as with AWS.
 */
const PACKED_ALLOWANCE_BYTES = 2048;

export function packedPolicySize(policy: string | undefined, policyArns: readonly string[], tags: readonly Tag[]): number | undefined {
  if (policy === undefined && policyArns.length === 0 && tags.length === 0) return undefined;
  let minified = '';
  if (policy !== undefined) {
    try {
      minified = JSON.stringify(JSON.parse(policy));
    } catch {
      minified = policy;
    }
  }
  const packed = [minified, ...policyArns, ...tags.map((tag) => `${tag.Key}=${tag.Value}`)].join('\n');
  const bytes = deflateRawSync(Buffer.from(packed, 'utf8')).length;
  return Math.max(1, Math.ceil((bytes * 100) / PACKED_ALLOWANCE_BYTES));
}
