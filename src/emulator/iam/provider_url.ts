import { AwsError } from '../aws_error.js';
import { iamErrors } from './iam_errors.js';

/**
 * IAM's rules for an OpenID Connect provider URL: https only, no port, query or fragment,
 * case-sensitive, 1–255 characters (AWS-REFERENCE §5.1). The one exception, for local use:
 * `http://` with a port on a loopback host (127.0.0.0/8, localhost, [::1]).
 * The error texts are the emulator's own (AWS's are unconfirmed) and say what is wrong.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

export function validateProviderUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Recorded from AWS for a URL without a scheme (`example.org`, LocalStack's test_iam_oidc).
    throw new AwsError('ValidationError', 400, 'Invalid Open ID Connect Provider URL');
  }
  const loopbackHttp = parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname);
  if (parsed.protocol !== 'https:' && !loopbackHttp) {
    throw iamErrors.invalidInput(`Invalid Url: ${url} must begin with https:// (http:// only on a loopback host).`);
  }
  if (parsed.search !== '' || url.includes('?')) throw iamErrors.invalidInput(`Invalid Url: ${url} must not contain a query.`);
  if (parsed.hash !== '' || url.includes('#')) throw iamErrors.invalidInput(`Invalid Url: ${url} must not contain a fragment.`);
  if (parsed.username !== '' || parsed.password !== '') {
    throw iamErrors.invalidInput(`Invalid Url: ${url} must not contain credentials.`);
  }
  if (parsed.port !== '' && !loopbackHttp) throw iamErrors.invalidInput(`Invalid Url: ${url} must not contain a port.`);
}

/** The URL as IAM shows and keys it: without its scheme (`host[:port]/path`). */
export function urlWithoutScheme(url: string): string {
  return url.replace(/^https?:\/\//, '');
}
