/** The database engines rolebridge hands out IAM credentials for. */
export const DB_ENGINES = ['postgres', 'mysql', 'redshift', 'redshift-serverless'] as const;
export type DbEngine = (typeof DB_ENGINES)[number];

/** Aurora/RDS PostgreSQL or MySQL: a SigV4-presigned `rds-db:connect` token is the password. */
export interface RdsTokenRequest {
  engine: 'postgres' | 'mysql';
  host: string;
  port: number;
  dbUser: string;
  /** The database's region; defaults to the connection's. */
  region?: string;
}

/** Redshift provisioned cluster: `GetClusterCredentials`. */
export interface RedshiftClusterRequest {
  engine: 'redshift';
  clusterIdentifier: string;
  dbUser: string;
  dbName?: string;
  autoCreate?: boolean;
  dbGroups?: string[];
  durationSeconds: number;
  region?: string;
}

/** Redshift Serverless workgroup: `GetWorkgroup` for the endpoint, then `GetCredentials`. */
export interface RedshiftServerlessRequest {
  engine: 'redshift-serverless';
  workgroupName: string;
  dbName?: string;
  durationSeconds: number;
  region?: string;
}

/** What to sign or fetch, after validation (`parseDbAuthRequest`); the connection is named beside it. */
export type DbAuthRequest = RdsTokenRequest | RedshiftClusterRequest | RedshiftServerlessRequest;

/** What the caller gets: the password to present and until when it works. */
export interface DbCredentials {
  engine: DbEngine;
  username: string;
  password: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  host?: string;
  port?: number;
}

/** Default ports: PostgreSQL and MySQL as RDS sets them up. */
export const DEFAULT_PORTS = { postgres: 5432, mysql: 3306 } as const;

/** Redshift's limits for temporary credentials (AWS-REFERENCE §7.2/§7.3); AWS's default is 900. */
export const REDSHIFT_DURATION = { min: 900, max: 3600, default: 900 } as const;
