/**
 * How a command ends. Commands throw CliExit instead of calling process.exit so that the program
 * can flush output and so tests can run commands in-process.
 *  0 success · 1 a negative verdict (denied, lint errors, test failed) · 2 bad input or usage.
 */
export const EXIT_OK = 0;
export const EXIT_NEGATIVE = 1;
export const EXIT_USAGE = 2;

export class CliExit extends Error {
  readonly exitCode: number;
  /** Printed on stderr when set (the reason for a usage error). */
  readonly reason: string | undefined;

  constructor(exitCode: number, reason?: string) {
    super(reason ?? `exit ${exitCode}`);
    this.name = 'CliExit';
    this.exitCode = exitCode;
    this.reason = reason;
  }
}

/** A usage error: exit 2 with the reason on stderr. */
export function usageError(reason: string): CliExit {
  return new CliExit(EXIT_USAGE, reason);
}
