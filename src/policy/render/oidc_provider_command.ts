import { issuerHostPort, knownThumbprints } from './role_setup.js';
import { shellQuote } from './shell_quote.js';

/**
 * A shell expression printing the SHA-1 thumbprint IAM's documentation asks for: the last certificate of the chain
 * the issuer's host presents (`openssl s_client -showcerts`), lower-case hex without colons.
 */
export function opensslThumbprintExpression(issuer: string): string {
  const { host, port } = issuerHostPort(issuer);
  return (
    `openssl s_client -connect ${shellQuote(`${host}:${port}`)} -servername ${shellQuote(host.replace(/^\[|\]$/g, ''))} -showcerts </dev/null 2>/dev/null` +
    ` | awk '/-BEGIN CERTIFICATE-/{cert=""} {cert=cert $0 "\\n"} /-END CERTIFICATE-/{last=cert} END{printf "%s", last}'` +
    ` | openssl x509 -noout -fingerprint -sha1 | cut -d= -f2 | tr -d : | tr A-F a-f`
  );
}

/**
 * The one AWS CLI command that creates the issuer's OIDC provider, valid on AWS CLI 1 and 2: every audience in the
 * one `--client-id-list` (a repeated flag keeps only the last), and `--thumbprint-list`, which CLIs before
 * thumbprints became optional require (read with openssl at run time when not known here).
 */
export function createOidcProviderCommand(input: { issuer: string; audiences: readonly string[]; thumbprints?: readonly string[] }): string {
  const thumbprints = knownThumbprints(input);
  const thumbprintArgs = thumbprints === undefined ? `"$(${opensslThumbprintExpression(input.issuer)})"` : thumbprints.map(shellQuote).join(' ');
  return (
    `aws iam create-open-id-connect-provider --url ${shellQuote(input.issuer)}` +
    ` --client-id-list ${input.audiences.map(shellQuote).join(' ')} --thumbprint-list ${thumbprintArgs}`
  );
}
