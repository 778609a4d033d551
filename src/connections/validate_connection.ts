import { InvalidInputError, type ErrorCode } from '../core/index.js';
import { SESSION_NAME_PATTERN } from '../broker/index.js';
import type { ConnectionHopInput, ConnectionInput } from './connection_input.js';

/** A connection's settings once checked: what gets stored (plus names and timestamps). */
export interface ValidConnectionSettings {
  name: string;
  roleArn: string;
  region: string;
  tokenConfig: string;
  chain: ConnectionHopInput[];
  durationSeconds: number | null;
  sessionPolicy: string | null;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** IAM role ARN: partition, 12-digit account, optional path, role name of `[\w+=,.@-]{1,64}`. */
const ROLE_ARN = /^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const REGION = /^([a-z]{2}(?:-gov|-iso[a-z]?)?)-[a-z]+-\d{1,2}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const MAX_HOPS = 5;

/** AWS's own text for a chained duration over one hour (ValidationError on AssumeRole). */
export const CHAINED_DURATION_MESSAGE = 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.';

/** Checks a connection against AWS's character rules and limits; throws InvalidInputError naming the field. */
export function validateConnection(input: ConnectionInput): ValidConnectionSettings {
  if (!NAME.test(input.name)) {
    throw invalid('invalid_connection_name', 'name', 'A connection name is 1–63 characters of a-z, 0-9 and -, starting with a letter or digit.');
  }
  if (!NAME.test(input.tokenConfig)) throw invalid('invalid_token_config', 'tokenConfig', 'tokenConfig must name a token config ([a-z0-9-]).');
  const partition = checkRoleArn(input.roleArn, 'roleArn');
  checkRegion(input.region, partition);
  if (input.durationSeconds !== undefined) checkDuration(input.durationSeconds, 'durationSeconds', 43_200);

  const hops = input.chain ?? [];
  if (hops.length > MAX_HOPS) throw invalid('invalid_chain', 'chain', `A chain has at most ${MAX_HOPS} hops.`);
  const chain = hops.map((hop, index) => checkHop(hop, `chain[${index}]`));

  return {
    name: input.name,
    roleArn: input.roleArn,
    region: input.region,
    tokenConfig: input.tokenConfig,
    chain,
    durationSeconds: input.durationSeconds ?? null,
    sessionPolicy: input.sessionPolicy === undefined ? null : checkSessionPolicy(input.sessionPolicy),
  };
}

function checkHop(hop: ConnectionHopInput, field: string): ConnectionHopInput {
  checkRoleArn(hop.roleArn, `${field}.roleArn`);
  if (hop.externalId !== undefined && !EXTERNAL_ID.test(hop.externalId)) {
    throw invalid(
      'invalid_external_id',
      `${field}.externalId`,
      'An ExternalId is 2–1224 characters: letters, digits and + = , . @ : / - (no spaces).',
    );
  }
  if (hop.sessionName !== undefined && !SESSION_NAME_PATTERN.test(hop.sessionName)) {
    throw invalid('invalid_session_name', `${field}.sessionName`, 'A session name is 2–64 characters: letters, digits and + = , . @ - _.');
  }
  if (hop.durationSeconds !== undefined) checkDuration(hop.durationSeconds, `${field}.durationSeconds`, 3_600);
  return {
    roleArn: hop.roleArn,
    ...(hop.externalId === undefined ? {} : { externalId: hop.externalId }),
    ...(hop.sessionName === undefined ? {} : { sessionName: hop.sessionName }),
    ...(hop.durationSeconds === undefined ? {} : { durationSeconds: hop.durationSeconds }),
  };
}

function checkRoleArn(arn: string, field: string): string {
  const match = ROLE_ARN.exec(arn);
  if (!match || arn.length > 2048) {
    throw invalid('invalid_role_arn', field, `'${arn}' is not an IAM role ARN (arn:aws:iam::123456789012:role/name).`);
  }
  return match[1] as string;
}

/** The region must exist in the role's partition: aws-cn roles live in cn-*, aws-us-gov in us-gov-*. */
function checkRegion(region: string, partition: string): void {
  const match = REGION.exec(region);
  if (!match) throw invalid('invalid_region', 'region', `'${region}' is not an AWS region name (for example us-east-1).`);
  const prefix = match[1] as string;
  const expected = partition === 'aws-cn' ? prefix === 'cn' : partition === 'aws-us-gov' ? prefix === 'us-gov' : partition === 'aws' ? prefix !== 'cn' && prefix !== 'us-gov' && !prefix.includes('-iso') : true;
  if (!expected) throw invalid('invalid_region', 'region', `Region '${region}' is not in the role's partition '${partition}'.`);
}

function checkDuration(seconds: number, field: string, max: number): void {
  if (!Number.isInteger(seconds) || seconds < 900) {
    throw invalid('invalid_duration', field, `${field} must be a whole number of seconds, at least 900.`);
  }
  if (seconds > max) {
    const message = max === 3_600 ? CHAINED_DURATION_MESSAGE : `${field} may be at most ${max} seconds (12 hours).`;
    throw invalid('invalid_duration', field, message);
  }
}

function checkSessionPolicy(policy: string | Record<string, unknown>): string {
  let document: unknown = policy;
  if (typeof policy === 'string') {
    try {
      document = JSON.parse(policy);
    } catch {
      throw invalid('invalid_session_policy', 'sessionPolicy', 'sessionPolicy is not valid JSON.');
    }
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document) || !('Statement' in document)) {
    throw invalid('invalid_session_policy', 'sessionPolicy', 'sessionPolicy must be an IAM policy document with a Statement.');
  }
  const compact = JSON.stringify(document);
  // STS limits the plaintext of session policies to 2,048 characters.
  if (compact.length > 2048) throw invalid('invalid_session_policy', 'sessionPolicy', 'sessionPolicy exceeds 2,048 characters.');
  return compact;
}

function invalid(code: ErrorCode, field: string, message: string): InvalidInputError {
  return new InvalidInputError(code, message, { field });
}
