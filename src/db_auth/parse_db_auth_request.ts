import { InvalidInputError } from '../core/index.js';
import {
  DB_ENGINES,
  DEFAULT_PORTS,
  REDSHIFT_DURATION,
  type DbAuthRequest,
  type DbEngine,
} from './db_auth_request.js';

/** A field of the request is missing or wrong; `details.field` names it, the message says why. */
export class InvalidDbAuthRequestError extends InvalidInputError {
  constructor(field: string, reason: string) {
    super('invalid_db_auth_request', `${field}: ${reason}`, { field });
  }
}

/** What each engine accepts besides `connection` and `engine`; anything else is named as unexpected. */
export const FIELDS_BY_ENGINE: Record<DbEngine, readonly string[]> = {
  postgres: ['host', 'port', 'dbUser', 'region'],
  mysql: ['host', 'port', 'dbUser', 'region'],
  redshift: ['clusterIdentifier', 'dbUser', 'dbName', 'autoCreate', 'dbGroups', 'durationSeconds', 'region'],
  'redshift-serverless': ['workgroupName', 'dbName', 'durationSeconds', 'region'],
};

/** The fields an engine cannot do without (the rest have defaults or are optional). */
export const REQUIRED_FIELDS_BY_ENGINE: Record<DbEngine, readonly string[]> = {
  postgres: ['host', 'dbUser'],
  mysql: ['host', 'dbUser'],
  redshift: ['clusterIdentifier', 'dbUser'],
  'redshift-serverless': ['workgroupName'],
};

const CONNECTION_NAME = /^[a-z0-9-]{1,63}$/;
/** A DNS name or IPv4 address, without scheme, port or path: it is signed into the RDS token as given. */
const HOST = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** PostgreSQL identifiers are at most 63 bytes; MySQL user names 32 characters. */
const RDS_DB_USER = /^[A-Za-z0-9_][A-Za-z0-9_.@+$-]{0,62}$/;
/** Redshift's DbUser rule: starts with a letter; letters, digits, `_ + . @ -`; 1–64 (API model). */
const REDSHIFT_DB_USER = /^[A-Za-z][A-Za-z0-9_+.@-]{0,63}$/;
const REDSHIFT_DB_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;
/** Redshift cluster identifiers: a letter, then letters, digits and hyphens, at most 63. */
const CLUSTER_IDENTIFIER = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;
/** Serverless workgroup names: `^[a-z0-9-]+$`, 3–64 (API model). */
const WORKGROUP_NAME = /^[a-z0-9-]{3,64}$/;

type Body = Record<string, unknown>;

function text(body: Body, field: string, pattern: RegExp, what: string): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') throw new InvalidDbAuthRequestError(field, 'is required');
  if (typeof value !== 'string') throw new InvalidDbAuthRequestError(field, 'must be a string');
  if (!pattern.test(value)) throw new InvalidDbAuthRequestError(field, `must be ${what}`);
  return value;
}

function optionalText(body: Body, field: string, pattern: RegExp, what: string): string | undefined {
  return body[field] === undefined ? undefined : text(body, field, pattern, what);
}

function integer(body: Body, field: string, min: number, max: number, fallback: number): number {
  const value = body[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new InvalidDbAuthRequestError(field, 'must be a whole number');
  if (value < min || value > max) throw new InvalidDbAuthRequestError(field, `must be between ${min} and ${max}`);
  return value;
}

function optionalBoolean(body: Body, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new InvalidDbAuthRequestError(field, 'must be true or false');
  return value;
}

function optionalRegion(body: Body): { region?: string } {
  const region = optionalText(body, 'region', REGION, 'an AWS region such as us-east-1');
  return region === undefined ? {} : { region };
}

function dbGroups(body: Body): { dbGroups?: string[] } {
  const value = body.dbGroups;
  if (value === undefined) return {};
  if (!Array.isArray(value)) throw new InvalidDbAuthRequestError('dbGroups', 'must be a list of group names');
  if (value.length > 50) throw new InvalidDbAuthRequestError('dbGroups', 'must have at most 50 groups');
  value.forEach((group, index) => {
    if (typeof group !== 'string' || !REDSHIFT_DB_NAME.test(group)) {
      throw new InvalidDbAuthRequestError(`dbGroups[${index}]`, 'must be a Redshift group name (letters, digits, _ and $)');
    }
  });
  return { dbGroups: value as string[] };
}

/**
 * Checks a `POST /db-auth-token` body and says exactly which field is missing or wrong. The
 * route's JSON schema checks types for the OpenAPI document; this checks what depends on the engine.
 */
export function parseDbAuthRequest(input: unknown): { connection: string; request: DbAuthRequest } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidDbAuthRequestError('body', 'must be a JSON object');
  }
  const body = input as Body;
  const connection = text(body, 'connection', CONNECTION_NAME, 'a connection name ([a-z0-9-], at most 63)');
  const engineValue = body.engine;
  if (engineValue === undefined) throw new InvalidDbAuthRequestError('engine', 'is required');
  if (typeof engineValue !== 'string' || !(DB_ENGINES as readonly string[]).includes(engineValue)) {
    throw new InvalidDbAuthRequestError('engine', `must be one of ${DB_ENGINES.join(', ')}`);
  }
  const engine = engineValue as DbEngine;
  const allowed = new Set(['connection', 'engine', ...FIELDS_BY_ENGINE[engine]]);
  for (const field of Object.keys(body)) {
    if (!allowed.has(field)) throw new InvalidDbAuthRequestError(field, `is not used by engine ${engine}`);
  }

  switch (engine) {
    case 'postgres':
    case 'mysql':
      return {
        connection,
        request: {
          engine,
          host: text(body, 'host', HOST, 'a host name without scheme or port'),
          port: integer(body, 'port', 1, 65535, DEFAULT_PORTS[engine]),
          dbUser: text(body, 'dbUser', RDS_DB_USER, 'a database user name (letters, digits, _ . @ + $ -, at most 63)'),
          ...optionalRegion(body),
        },
      };
    case 'redshift': {
      const dbName = optionalText(body, 'dbName', REDSHIFT_DB_NAME, 'a database name (letters, digits, _ and $)');
      const autoCreate = optionalBoolean(body, 'autoCreate');
      return {
        connection,
        request: {
          engine,
          clusterIdentifier: text(body, 'clusterIdentifier', CLUSTER_IDENTIFIER, 'a cluster identifier (a letter, then letters, digits and hyphens)'),
          dbUser: text(body, 'dbUser', REDSHIFT_DB_USER, 'a Redshift user name (starts with a letter; letters, digits, _ + . @ -; at most 64)'),
          ...(dbName === undefined ? {} : { dbName }),
          ...(autoCreate === undefined ? {} : { autoCreate }),
          ...dbGroups(body),
          durationSeconds: integer(body, 'durationSeconds', REDSHIFT_DURATION.min, REDSHIFT_DURATION.max, REDSHIFT_DURATION.default),
          ...optionalRegion(body),
        },
      };
    }
    case 'redshift-serverless': {
      const dbName = optionalText(body, 'dbName', REDSHIFT_DB_NAME, 'a database name (letters, digits, _ and $)');
      return {
        connection,
        request: {
          engine,
          workgroupName: text(body, 'workgroupName', WORKGROUP_NAME, 'a workgroup name (a-z, 0-9 and -, 3 to 64)'),
          ...(dbName === undefined ? {} : { dbName }),
          durationSeconds: integer(body, 'durationSeconds', REDSHIFT_DURATION.min, REDSHIFT_DURATION.max, REDSHIFT_DURATION.default),
          ...optionalRegion(body),
        },
      };
    }
  }
}
