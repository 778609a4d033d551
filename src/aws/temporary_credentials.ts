/**
 * Short-lived AWS credentials as STS returns them. They live in memory only: never in the
 * database, logs, error messages or audit details.
 */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** The assumed-role ARN of the session (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`). */
  assumedRoleArn: string;
}

