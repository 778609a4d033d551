import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { CliExit, usageError } from '../cli_exit.js';
import { callServer, serverUrl, workloadSecret } from '../server_api.js';
import { printJson, printLine } from '../output.js';

/**
 * The workload side: `rolebridge token`, `rolebridge credential-process`, `rolebridge agent`.
 * They talk to the server over HTTP with the workload secret, like any workload would.
 */

interface WorkloadFlags {
  server?: string;
  secretFile?: string;
}

interface WorkloadClient {
  server: string;
  secret: string;
}

/** `--server` or ROLEBRIDGE_SERVER; `--secret-file` or ROLEBRIDGE_WORKLOAD_SECRET. */
async function workloadClient(flags: WorkloadFlags, env: NodeJS.ProcessEnv = process.env): Promise<WorkloadClient> {
  return { server: serverUrl(flags.server, env), secret: await workloadSecret(flags.secretFile, env) };
}

function call<T>(client: WorkloadClient, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  return callServer<T>({ server: client.server, token: client.secret, method, path, ...(body === undefined ? {} : { body }) });
}

interface IssuedToken {
  token: string;
  expiresAt: string;
}

interface ContainerCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
  Expiration: string;
  RoleArn: string;
}

function fetchToken(client: WorkloadClient, flags: { tokenConfig?: string; audience?: string }): Promise<IssuedToken> {
  return call<IssuedToken>(client, 'POST', '/api/v1/token', {
    ...(flags.tokenConfig === undefined ? {} : { tokenConfig: flags.tokenConfig }),
    ...(flags.audience === undefined ? {} : { audience: flags.audience }),
  });
}

/** Why `--token-file path` cannot be written, in the user's words (the errno alone points nowhere). */
function tokenFileReason(path: string, error: NodeJS.ErrnoException): string {
  const folder = dirname(path);
  const why: Record<string, string> = {
    ENOENT: `its folder ${folder} does not exist`,
    ENOTDIR: `${folder} is not a folder`,
    EACCES: `no permission to write in ${folder}`,
    EPERM: `no permission to write in ${folder}`,
    EROFS: `${folder} is on a read-only file system`,
    EISDIR: `${path} is a folder`,
  };
  return `cannot write --token-file ${path}: ${why[error.code ?? ''] ?? error.message}.`;
}

/**
 * Refuses a token path that cannot be written before any token is fetched: a typo in a path is bad input
 * (exit 2), not a failed refresh to retry forever. The agent writes a temp file beside it, so the folder
 * must be writable.
 */
async function checkTokenFileWritable(path: string): Promise<void> {
  try {
    const existing = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (existing?.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    await access(dirname(path), constants.W_OK);
  } catch (error) {
    throw usageError(tokenFileReason(path, error as NodeJS.ErrnoException));
  }
}

/** Writes `content` so readers see the old file or the new one, never half of one: temp file, then rename. */
async function writeAtomically(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw usageError(tokenFileReason(path, error as NodeJS.ErrnoException));
  }
}

function addWorkloadOptions(command: Command): Command {
  return command
    .option('--server <url>', 'rolebridge server URL (ROLEBRIDGE_SERVER)')
    .option('--secret-file <path>', 'file holding the workload secret (else ROLEBRIDGE_WORKLOAD_SECRET)');
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

/**
 * When to fetch the next token: at half its remaining life, so a file read at any moment holds a
 * token with plenty of validity left, and never sooner than 5 s (a server clock far off).
 */
export function nextRefreshDelayMs(expiresAt: number, now: number): number {
  return Math.max(5_000, Math.floor((expiresAt - now) / 2));
}

export function registerWorkloadCommand(program: Command): void {
  addWorkloadOptions(
    program
      .command('token')
      .description('Print a token for this workload (for scripts); --json prints {token, expiresAt}.')
      .option('--token-config <name>', "token config (default: the tenant's default)")
      .option('--audience <aud>', "must equal the token config's audience")
      .option('--json', 'print {token, expiresAt}'),
  ).action(async (flags: WorkloadFlags & { tokenConfig?: string; audience?: string; json?: boolean }) => {
    const issued = await fetchToken(await workloadClient(flags), flags);
    if (flags.json) printJson({ token: issued.token, expiresAt: issued.expiresAt });
    else printLine(issued.token);
  });

  addWorkloadOptions(
    program
      .command('credential-process')
      .description('Print AWS credentials for a connection as credential_process JSON (Version 1), for ~/.aws/config profiles.')
      .requiredOption('--connection <name>', 'connection name'),
  ).action(async (flags: WorkloadFlags & { connection: string }) => {
    const client = await workloadClient(flags);
    const credentials = await call<ContainerCredentials>(client, 'GET', `/api/v1/credentials/${encodeURIComponent(flags.connection)}`);
    // Exactly the credential_process contract; SDKs cache until Expiration and run us again after.
    process.stdout.write(
      `${JSON.stringify({
        Version: 1,
        AccessKeyId: credentials.AccessKeyId,
        SecretAccessKey: credentials.SecretAccessKey,
        SessionToken: credentials.Token,
        Expiration: credentials.Expiration,
      })}\n`,
    );
  });

  addWorkloadOptions(
    program
      .command('agent')
      .description(
        'Keep a web-identity token file fresh (written atomically, mode 0600) for AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN; runs until SIGINT/SIGTERM.',
      )
      .requiredOption('--token-file <path>', 'where to write the token')
      .option('--token-config <name>', "token config (default: the tenant's default)")
      .option('--audience <aud>', "must equal the token config's audience")
      .option('--once', 'write the token once and exit'),
  ).action(async (flags: WorkloadFlags & { tokenFile: string; tokenConfig?: string; audience?: string; once?: boolean }) => {
    const client = await workloadClient(flags);
    await checkTokenFileWritable(flags.tokenFile);
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let failures = 0;
    try {
      while (!stop.signal.aborted) {
        let delayMs: number;
        try {
          const issued = await fetchToken(client, flags);
          await writeAtomically(flags.tokenFile, issued.token);
          failures = 0;
          process.stderr.write(`rolebridge agent: wrote ${flags.tokenFile}, valid until ${issued.expiresAt}\n`);
          if (flags.once) return;
          delayMs = nextRefreshDelayMs(Date.parse(issued.expiresAt), Date.now());
        } catch (error) {
          if (flags.once) throw error;
          // Keep the last good file and retry with backoff: 1 s, 2 s, 4 s … at most 30 s.
          failures += 1;
          delayMs = Math.min(30_000, 1_000 * 2 ** (failures - 1));
          const reason = error instanceof CliExit ? error.reason : (error as Error).message;
          process.stderr.write(`rolebridge agent: refresh failed (${reason}); retrying in ${Math.round(delayMs / 1000)} s\n`);
        }
        await sleep(delayMs, stop.signal);
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}
