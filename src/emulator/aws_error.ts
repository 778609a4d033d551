import { RolebridgeError } from '../core/index.js';

/**
 * An error exactly as AWS puts it on the wire: `<Code>`, `<Message>`, `<Type>` and HTTP status.
 * It is a RolebridgeError so that anything above the emulator can handle it like any other;
 * `code` is the AWS wire code (e.g. `InvalidIdentityToken`) because that is what clients match on.
 */
export class AwsError extends RolebridgeError<string> {
  /** `Sender` for a caller's mistake (4xx), `Receiver` for AWS's own failure (5xx). */
  readonly type: 'Sender' | 'Receiver';

  constructor(code: string, status: number, message: string) {
    super(code, message, { status });
    this.type = status >= 500 ? 'Receiver' : 'Sender';
  }
}

/** One broken constraint, in the grammar of AWS-REFERENCE §1.7. */
export interface ConstraintViolation {
  /** Raw value echoed unescaped in single quotes, or `null` for a missing member. */
  value: string | null;
  /** Lower-camel-case member name (`roleSessionName`). */
  member: string;
  /** `satisfy regular expression pattern: …`, `have length less than or equal to 64`, `not be null`, … */
  rule: string;
  /** IAM leaves the value out (`Value at 'url' failed …`); STS echoes it. Default: echoed. */
  echo?: boolean;
}

/** `ValidationError` with AWS's "N validation error(s) detected: …" message. */
export function validationError(violations: readonly ConstraintViolation[]): AwsError {
  const count = violations.length;
  const items = violations.map(
    (v) =>
      `Value ${v.echo === false ? '' : `${v.value === null ? 'null' : `'${v.value}'`} `}at '${v.member}' failed to satisfy constraint: Member must ${v.rule}`,
  );
  return new AwsError(
    'ValidationError',
    400,
    `${count} validation error${count === 1 ? '' : 's'} detected: ${items.join('; ')}`,
  );
}

/** A `ValidationError` whose message is a single sentence (e.g. the DurationSeconds caps). */
export function plainValidationError(message: string): AwsError {
  return new AwsError('ValidationError', 400, message);
}
