import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { CliExit, EXIT_NEGATIVE, EXIT_USAGE, usageError } from '../cli_exit.js';
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

/** `--server` or ROLEBRIDGE_SERVER; `--secret-file` or ROLEBRIDGE_WORKLOAD_SECRET (as the other workload commands). */
async function serverAndSecret(flags: DbTokenFlags, env: NodeJS.ProcessEnv = process.env): Promise<{ server: string; secret: string }> {
  const server = flags.server ?? env.ROLEBRIDGE_SERVER;
  if (!server) throw usageError('no server: pass --server URL or set ROLEBRIDGE_SERVER.');
  if (!/^https?:\/\//.test(server)) throw usageError(`--server must be an http(s) URL, got '${server}'.`);
  let secret: string | undefined;
  if (flags.secretFile !== undefined) {
    try {
      secret = (await readFile(flags.secretFile, 'utf8')).trim();
    } catch (error) {
      throw usageError(`cannot read --secret-file ${flags.secretFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`);
    }
  } else {
    secret = env.ROLEBRIDGE_WORKLOAD_SECRET?.trim();
  }
  if (!secret) throw usageError('no workload secret: set ROLEBRIDGE_WORKLOAD_SECRET or pass --secret-file PATH.');
  return { server: server.replace(/\/+$/, ''), secret };
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

async function requestDbCredentials(server: string, secret: string, body: Record<string, unknown>): Promise<DbCredentialsAnswer> {
  let response: Response;
  try {
    response = await fetch(`${server}/api/v1/db-auth-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as Error).cause;
    throw new CliExit(EXIT_NEGATIVE, `cannot reach ${server}: ${cause instanceof Error ? cause.message : (error as Error).message}`);
  }
  const text = await response.text();
  if (response.ok) return JSON.parse(text) as DbCredentialsAnswer;
  let reason = `the server answered ${response.status}`;
  try {
    const envelope = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (envelope.error?.message) reason = `${envelope.error.message} (${envelope.error.code ?? response.status})`;
  } catch {
    // not our envelope: keep the status line
  }
  // A caller's mistake (bad field, secret or connection) is a usage error; a refusal or outage a negative verdict.
  const usage = response.status === 400 || response.status === 401 || response.status === 404;
  throw new CliExit(usage ? EXIT_USAGE : EXIT_NEGATIVE, reason);
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
      const { server, secret } = await serverAndSecret(flags);
      const answer = await requestDbCredentials(server, secret, body);
      if (flags.json) printJson(answer);
      else printLine(answer.password);
    });
}
