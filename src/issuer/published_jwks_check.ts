import { ConflictError, UnavailableError } from '../core/index.js';
import { JWKS_PATH } from './issuer_documents.js';

/**
 * ROLEBRIDGE_ISSUER_PUBLISHED: the issuer URL is served by a published copy (S3, a CDN), not by this server.
 * A pre-published key may only start signing once that copy — what AWS fetches — lists it, so a rotation
 * reads the published JWKS first and refuses (409 `next_key_not_published`) while the key is missing.
 */
export function publishedJwksCheck(timeoutMs = 5000): (issuer: string, kids: readonly string[]) => Promise<void> {
  return async (issuer, kids) => {
    const jwksUri = `${issuer}${JWKS_PATH}`;
    let published: string[];
    try {
      const response = await fetch(jwksUri, { headers: { 'cache-control': 'no-cache' }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as { keys?: Array<{ kid?: unknown }> };
      published = (body.keys ?? []).map((k) => String(k.kid));
    } catch (error) {
      throw new UnavailableError('published_jwks_unreachable', `The published JWKS at ${jwksUri} could not be read, so no key is promoted: ${(error as Error).message}.`, {
        jwksUri,
      });
    }
    const missing = kids.filter((kid) => !published.includes(kid));
    if (missing.length > 0) {
      throw new ConflictError(
        'next_key_not_published',
        `The published JWKS at ${jwksUri} does not list ${missing.join(', ')} yet; run \`rolebridge publish\` (or keep \`rolebridge publish --watch\` running) and retry.`,
        { jwksUri, missing },
      );
    }
  };
}
