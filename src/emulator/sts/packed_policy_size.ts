import { deflateRawSync } from 'node:zlib';
import { AwsError } from '../aws_error.js';
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

/**
 * STS refuses a session whose packed policy and tags exceed the allowance (over 100 %): 400 `PackedPolicyTooLarge`.
 * AWS's texts: "Packed size of session tags consumes N% of allotted space." (recorded in public reports, AWS-REFERENCE
 * §1.6); "Packed policy consumes N% of allotted space." when no tags were passed (probable). The emulator checks
 * it last, once the trust policy and the duration passed, on AssumeRole (the request's tags) and
 * AssumeRoleWithWebIdentity (the token's `https://aws.amazon.com/tags`), and answers the percentage it reports.
 */
export function checkPackedPolicySize(policy: string | undefined, policyArns: readonly string[], tags: readonly Tag[]): number | undefined {
  const size = packedPolicySize(policy, policyArns, tags);
  if (size !== undefined && size > 100) {
    throw new AwsError(
      'PackedPolicyTooLarge',
      400,
      tags.length > 0 ? `Packed size of session tags consumes ${size}% of allotted space.` : `Packed policy consumes ${size}% of allotted space.`,
    );
  }
  return size;
}
