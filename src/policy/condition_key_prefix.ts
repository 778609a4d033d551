import { InvalidInputError } from '../core/index.js';

/**
 * The prefix IAM gives an OIDC provider's condition keys: the issuer URL without `https://`, path kept,
 * trailing slash dropped (`https://h/p` → `h/p`). For loopback `http://` issuers (the local emulator) the
 * scheme goes and the port stays (`127.0.0.1:8080/t/acme`) — the one exception to IAM's one-colon rule.
 */
export function conditionKeyPrefix(issuerUrl: string): string {
  const match = /^(https?):\/\/([^/?#]+)([^?#]*)$/i.exec(issuerUrl.trim());
  if (!match) {
    throw new InvalidInputError('invalid_issuer_url', `Not an issuer URL: ${JSON.stringify(issuerUrl)} (expected https://host/path).`, { issuer: issuerUrl });
  }
  const host = match[2]!;
  const path = match[3]!.replace(/\/+$/, '');
  return `${host}${path}`;
}

/** The IAM OIDC provider ARN for an issuer, as STS looks it up: `arn:aws:iam::<acct>:oidc-provider/<prefix>`. */
export function oidcProviderArn(accountId: string, issuerUrl: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${conditionKeyPrefix(issuerUrl)}`;
}

/** Whether the issuer is a loopback http issuer (accepted only by the local emulator). */
export function isLoopbackHttpIssuer(issuerUrl: string): boolean {
  return /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i.test(issuerUrl);
}
