import { type Command, Option } from 'commander';
import { usageError } from '../cli_exit.js';
import { callServer, serverUrl, workloadSecret } from '../server_api.js';
import { printJson, printLine } from '../output.js';

/**
 * `rolebridge db-token`: a database password from IAM, for scripts —
 * `PGPASSWORD=$(rolebridge db-token --connection prod-db --engine postgres --host … --db-user app) psql …`.
 * Prints only the password (RDS: the signed token) unless `--json`. Talks to the server's
 * `POST /api/v1/db-auth-token` with the workload secret, like any workload.
 */

interface DbTokenFlags {
  server?: string;
  secretFile?: string;
  connection: string;
  engine: string;
  host?: string;
  port?: string;
  dbUser?: string;
  region?: string;
  clusterIdentifier?: string;
  dbName?: string;
  autoCreate?: boolean;
  dbGroup?: string[];
  durationSeconds?: string;
  workgroupName?: string;
  json?: boolean;
}

interface DbCredentialsAnswer {
  engine: string;
  username: string;
  password: string;
  expiresAt: string;
  host?: string;
  port?: number;
}

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usageError(`${flag} must be a whole number, got '${value}'.`);
  return Number(value);
}

/** The API body: only the flags given, so the server's validation names exactly what is missing or wrong. */
export function dbAuthRequestBody(flags: DbTokenFlags): Record<string, unknown> {
  const body: Record<string, unknown> = {
    connection: flags.connection,
    engine: flags.engine,
    host: flags.host,
    port: wholeNumber('--port', flags.port),
    dbUser: flags.dbUser,
    region: flags.region,
    clusterIdentifier: flags.clusterIdentifier,
    dbName: flags.dbName,
    autoCreate: flags.autoCreate,
    dbGroups: flags.dbGroup,
    durationSeconds: wholeNumber('--duration-seconds', flags.durationSeconds),
    workgroupName: flags.workgroupName,
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}


export function registerDbTokenCommand(program: Command): void {
  program
    .command('db-token')
    .description(
      'Print a database password from IAM: an RDS/Aurora IAM token (postgres, mysql), Redshift temporary credentials ' +
        '(redshift) or Redshift Serverless credentials (redshift-serverless). --json prints {engine, username, password, expiresAt, host?, port?}.',
    )
    .requiredOption('--connection <name>', 'connection whose role chain signs or fetches the password')
    .addOption(new Option('--engine <engine>', 'database engine').choices(['postgres', 'mysql', 'redshift', 'redshift-serverless']).makeOptionMandatory())
    .option('--host <host>', 'postgres/mysql: the database endpoint (no scheme, no port)')
    .option('--port <port>', 'postgres/mysql: default 5432 / 3306')
    .option('--db-user <user>', 'postgres/mysql/redshift: the database user')
    .option('--region <region>', "the database's region (default: the connection's)")
    .option('--cluster-identifier <id>', 'redshift: the provisioned cluster')
    .option('--db-name <name>', 'redshift/redshift-serverless: the database')
    .option('--auto-create', 'redshift: create the user if it does not exist')
    .option('--db-group <group...>', 'redshift: groups to join for the session')
    .option('--duration-seconds <n>', 'redshift/redshift-serverless: 900-3600 (default 900)')
    .option('--workgroup-name <name>', 'redshift-serverless: the workgroup')
    .option('--server <url>', 'rolebridge server URL (ROLEBRIDGE_SERVER)')
    .option('--secret-file <path>', 'file holding the workload secret (else ROLEBRIDGE_WORKLOAD_SECRET)')
    .option('--json', 'print the whole answer as JSON')
    .action(async (flags: DbTokenFlags) => {
      const body = dbAuthRequestBody(flags);
      const answer = await callServer<DbCredentialsAnswer>({
        server: serverUrl(flags.server),
        token: await workloadSecret(flags.secretFile),
        method: 'POST',
        path: '/api/v1/db-auth-token',
        body,
      });
      if (flags.json) printJson(answer);
      else printLine(answer.password);
    });
}
