import { pino, type Logger } from 'pino';

/**
 * Paths pino blanks before a line is written. Anything that can carry a secret: bearer headers,
 * workload secrets, admin tokens, JWTs, AWS keys and session tokens, private keys, passwords.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-amz-security-token"]',
  'headers.authorization',
  '*.authorization',
  '*.secret',
  '*.token',
  '*.password',
  '*.privateKey',
  '*.SecretAccessKey',
  '*.SessionToken',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.WebIdentityToken',
  '*.webIdentityToken',
  '*.adminToken',
];

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'rolebridge' },
    },
    options.destination ?? process.stdout,
  );
}

export type { Logger };
