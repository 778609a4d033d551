import { InvalidInputError } from '../../core/index.js';

/**
 * The claims of a JWT, decoded WITHOUT verifying the signature: the simulator only needs what the token says,
 * the emulator and AWS do the verifying. Never use this to trust a token.
 */
export function decodeJwtClaims(token: string): Record<string, unknown> {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[1] === '') {
    throw new InvalidInputError('invalid_token', 'The token is not a JWT (three base64url parts separated by dots).');
  }
  let claims: unknown;
  try {
    const base64 = parts[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0))));
  } catch {
    throw new InvalidInputError('invalid_token', 'The token payload is not base64url-encoded JSON.');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new InvalidInputError('invalid_token', 'The token payload is not a JSON object.');
  }
  return claims as Record<string, unknown>;
}
