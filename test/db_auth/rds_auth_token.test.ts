import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRdsAuthToken, RDS_TOKEN_LIFETIME_MS } from '../../src/db_auth/index.js';

/**
 * The RDS token is checked against a second, independent implementation: botocore's
 * `generate_db_auth_token` (Python; with awscrt installed it even signs in the AWS CRT's C code),
 * for the same inputs and the SAME signing time.
 *
 * Pinning the time: `@aws-sdk/rds-signer` has no signing-date option; its SigV4 presigner takes
 * `new Date()` when it signs. We fake only `Date` (vi.useFakeTimers with toFake: ['Date'], so
 * promises and I/O run normally) and set it to the case's instant. botocore's clock is pinned in
 * botocore_db_auth_token.py (see its docstring).
 */
const BOTOCORE_SCRIPT = fileURLToPath(new URL('./botocore_db_auth_token.py', import.meta.url));

interface TokenCase {
  host: string;
  port: number;
  user: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch seconds. */
  time: number;
}

function botocoreTokens(cases: TokenCase[]): { botocore: string; signer: string; tokens: string[] } {
  let output: string;
  try {
    output = execFileSync('python3', [BOTOCORE_SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8' });
  } catch (error) {
    throw new Error(`botocore is needed for this test (apt-get install python3-botocore): ${String(error)}`);
  }
  return JSON.parse(output) as { botocore: string; signer: string; tokens: string[] };
}

async function rdsSignerToken(c: TokenCase): Promise<string> {
  vi.setSystemTime(c.time * 1000);
  const { token } = await createRdsAuthToken({
    host: c.host,
    port: c.port,
    dbUser: c.user,
    region: c.region,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiresAt: c.time * 1000 + 3_600_000 },
  });
  return token;
}

/**
 * `host:port/` and the query parameters in order of name. The parameter ORDER differs between
 * signers (CRT puts X-Amz-SignedHeaders before X-Amz-Expires) and is not signed; everything else,
 * X-Amz-Signature included, must be identical.
 */
function canonical(token: string): { authority: string; params: Array<[string, string]> } {
  const question = token.indexOf('?');
  const params = token
    .slice(question + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq), pair.slice(eq + 1)] as [string, string];
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { authority: token.slice(0, question), params };
}

const label = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const UPPER = LOWER.toUpperCase();

const tokenCase: fc.Arbitrary<TokenCase> = fc.record({
  host: fc
    .array(fc.tuple(label(LOWER + DIGITS, 1, 1), label(LOWER + DIGITS + '-', 0, 12), label(LOWER + DIGITS, 0, 1)), { minLength: 1, maxLength: 5 })
    .map((labels) => labels.map((parts) => parts.join('')).join('.')),
  port: fc.integer({ min: 1, max: 65535 }),
  // Characters that need percent-encoding in a query (@ + $) are where signers most often disagree.
  user: fc.tuple(label(LOWER + UPPER + DIGITS + '_', 1, 1), label(LOWER + UPPER + DIGITS + '_.@+$-', 0, 30)).map(([a, b]) => a + b),
  region: fc.constantFrom('us-east-1', 'eu-west-3', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1', 'il-central-1'),
  accessKeyId: label(UPPER + '234567', 16, 16).map((s) => `ASIA${s}`),
  secretAccessKey: label(LOWER + UPPER + DIGITS + '+/', 40, 40),
  sessionToken: label(LOWER + UPPER + DIGITS + '+/=', 16, 400),
  time: fc.integer({ min: 946_684_800, max: 4_102_444_799 }), // 2000 … 2099
});

describe('RDS IAM auth token', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is the token botocore signs for the same inputs and time (fixed example)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const c: TokenCase = {
      host: 'rdsmysql.123456789012.us-west-2.rds.amazonaws.com',
      port: 3306,
      user: 'jane_doe',
      region: 'us-west-2',
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE+token/with=chars',
      time: Date.UTC(2026, 0, 24, 12, 30, 0) / 1000,
    };
    const ours = await rdsSignerToken(c);
    const { tokens } = botocoreTokens([c]);
    expect(canonical(ours)).toEqual(canonical(tokens[0] as string));
    // The documented shape (AWS-REFERENCE §7.1): no scheme, Action and DBUser first, 900 s.
    expect(ours.startsWith('rdsmysql.123456789012.us-west-2.rds.amazonaws.com:3306/?Action=connect&DBUser=jane_doe&')).toBe(true);
    expect(ours).toContain('X-Amz-Expires=900');
    expect(ours).toContain('X-Amz-Date=20260124T123000Z');
    expect(ours).toContain('X-Amz-Credential=ASIAIOSFODNN7EXAMPLE%2F20260124%2Fus-west-2%2Frds-db%2Faws4_request');
  });

  it('equals botocore for generated hosts, ports, users, regions, keys and times', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const cases = fc.sample(tokenCase, { numRuns: 40, seed: 20260124 });
    const ours: string[] = [];
    for (const c of cases) ours.push(await rdsSignerToken(c));
    const { tokens } = botocoreTokens(cases);
    expect(tokens).toHaveLength(cases.length);
    cases.forEach((c, i) => {
      expect({ case: c, token: canonical(ours[i] as string) }).toEqual({ case: c, token: canonical(tokens[i] as string) });
    });
  });

  it('a signature over different inputs differs (the comparison can fail)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const [c] = fc.sample(tokenCase, { numRuns: 1, seed: 7 }) as [TokenCase];
    const ours = await rdsSignerToken(c);
    const { tokens } = botocoreTokens([{ ...c, time: c.time + 1 }]);
    expect(canonical(ours)).not.toEqual(canonical(tokens[0] as string));
  });

  it('expires 15 minutes after signing, or when the signing session ends if that is sooner', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const signedAt = Date.UTC(2026, 5, 1, 8, 0, 0);
    vi.setSystemTime(signedAt + 400); // X-Amz-Date has whole seconds
    const base = { host: 'db.example.com', port: 5432, dbUser: 'app', region: 'eu-west-1' };
    const credentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' };
    const long = await createRdsAuthToken({ ...base, credentials: { ...credentials, expiresAt: signedAt + 3_600_000 } });
    expect(long.signedAt).toBe(signedAt);
    expect(long.expiresAt).toBe(signedAt + RDS_TOKEN_LIFETIME_MS);
    const short = await createRdsAuthToken({ ...base, credentials: { ...credentials, expiresAt: signedAt + 120_000 } });
    expect(short.expiresAt).toBe(signedAt + 120_000);
  });
});
