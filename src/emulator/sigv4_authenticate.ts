import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { timingSafeEqual } from 'node:crypto';
import { AwsError } from './aws_error.js';
import { type Caller, assumedRoleArn, rootArn } from './caller.js';
import type { EmulatorState } from './emulator_state.js';

/** The parts of an incoming request that SigV4 covers. */
export interface SignedRequestParts {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

/** What the Authorization header says, before any key is looked up. */
export interface SignatureClaims {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** STS and IAM accept 15 minutes of clock skew (AWS-REFERENCE §6). */
const ALLOWED_SKEW_MS = 15 * 60 * 1000;

const SIGNATURE_DOES_NOT_MATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Reads the `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header; undefined when unsigned. */
export function parseAuthorization(header: string | undefined): SignatureClaims | undefined {
  if (header === undefined || header === '') return undefined;
  if (!header.startsWith('AWS4-HMAC-SHA256 ')) {
    throw new AwsError('IncompleteSignature', 400, `Unsupported AWS 'algorithm': '${header.split(' ')[0] ?? ''}'`);
  }
  const fields = new Map<string, string>();
  for (const part of header.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const trimmed = part.trim();
    const eq = trimmed.indexOf('=');
    if (eq <= 0) {
      throw new AwsError(
        'IncompleteSignature',
        400,
        `'${trimmed}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`,
      );
    }
    fields.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    const missing = [
      signature === undefined ? "Authorization header requires 'Signature' parameter." : '',
      signedHeaders === undefined ? "Authorization header requires 'SignedHeaders' parameter." : '',
      credential === undefined ? "Authorization header requires 'Credential' parameter." : '',
    ].filter(Boolean);
    throw new AwsError('IncompleteSignature', 400, `${missing.join(' ')} Authorization=${header}`);
  }
  const scope = credential.split('/');
  if (scope.length !== 5) {
    throw new AwsError(
      'IncompleteSignature',
      400,
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, date, region, service] = scope as [string, string, string, string, string];
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

function compactDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function parseAmzDate(text: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/**
 * Resolves the caller of a signed request and proves the signature by recomputing it with the
 * SDK's own signer over exactly the headers the client signed.
 */
export async function authenticateSignedRequest(
  state: EmulatorState,
  request: SignedRequestParts,
  claims: SignatureClaims,
  now: number,
  /** S3 signs the path as sent; every other service URI-encodes it once more (SigV4's rule). */
  options: { uriEscapePath?: boolean } = {},
): Promise<Caller> {
  const secret = lookUpSecret(state, claims.accessKeyId, request.headers['x-amz-security-token'], now);

  const amzDate = request.headers['x-amz-date'];
  const signingDate = parseAmzDate(amzDate);
  if (signingDate === undefined || amzDate === undefined) {
    throw new AwsError('IncompleteSignature', 400, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (signingDate.getTime() < now - ALLOWED_SKEW_MS) {
    throw new AwsError(
      'SignatureDoesNotMatch',
      403,
      `Signature expired: ${amzDate} is now earlier than ${compactDate(now - ALLOWED_SKEW_MS)} (${compactDate(now)} - 15 min.)`,
    );
  }
  if (signingDate.getTime() > now + ALLOWED_SKEW_MS) {
    throw new AwsError(
      'SignatureDoesNotMatch',
      403,
      `Signature not yet current: ${amzDate} is still later than ${compactDate(now + ALLOWED_SKEW_MS)} (${compactDate(now)} + 15 min.)`,
    );
  }
  if (claims.date !== amzDate.slice(0, 8)) {
    throw new AwsError(
      'SignatureDoesNotMatch',
      403,
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${claims.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }

  const headers: Record<string, string> = {};
  for (const name of claims.signedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: claims.accessKeyId,
      secretAccessKey: secret.secretAccessKey,
      ...(secret.sessionToken === undefined ? {} : { sessionToken: secret.sessionToken }),
    },
    region: claims.region,
    service: claims.service,
    sha256: Sha256,
    applyChecksum: false,
    uriEscapePath: options.uriEscapePath ?? true,
  });
  const recomputed = await signer.sign(
    new HttpRequest({ method: request.method, hostname: headers.host ?? '', path: request.path, query: request.query, headers, body: request.body }),
    { signingDate, signableHeaders: new Set(claims.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]+)/.exec(String(recomputed.headers.authorization ?? ''))?.[1] ?? '';
  if (!sameText(expected, claims.signature)) throw new AwsError('SignatureDoesNotMatch', 403, SIGNATURE_DOES_NOT_MATCH);
  return secret.caller;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const INVALID_TOKEN = 'The security token included in the request is invalid.';

function lookUpSecret(
  state: EmulatorState,
  accessKeyId: string,
  sessionToken: string | undefined,
  now: number,
): { secretAccessKey: string; sessionToken?: string; caller: Caller } {
  const key = state.accessKeys[accessKeyId];
  if (key !== undefined && key.status === 'Active') {
    if (key.owner.kind === 'root') {
      return {
        secretAccessKey: key.secretAccessKey,
        caller: { kind: 'root', accountId: key.accountId, accessKeyId, arn: rootArn(key.accountId) },
      };
    }
    const user = state.accounts[key.accountId]?.users[key.owner.userName.toLowerCase()];
    if (user === undefined) throw new AwsError('InvalidClientTokenId', 403, INVALID_TOKEN);
    return {
      secretAccessKey: key.secretAccessKey,
      caller: { kind: 'user', accountId: key.accountId, accessKeyId, arn: user.arn, user },
    };
  }
  const session = state.sessions[accessKeyId];
  // A temporary key is only valid together with its own session token.
  if (session === undefined || sessionToken !== session.sessionToken) {
    throw new AwsError('InvalidClientTokenId', 403, INVALID_TOKEN);
  }
  if (Date.parse(session.expiration) <= now) {
    throw new AwsError('ExpiredToken', 403, 'The security token included in the request is expired');
  }
  return {
    secretAccessKey: session.secretAccessKey,
    sessionToken: session.sessionToken,
    caller: {
      kind: 'session',
      accountId: session.accountId,
      accessKeyId,
      arn: assumedRoleArn(session.accountId, session.roleName, session.sessionName),
      session,
    },
  };
}
