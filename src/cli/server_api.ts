import { readFile } from 'node:fs/promises';
import { CliExit, EXIT_NEGATIVE, EXIT_USAGE, usageError } from './cli_exit.js';
import { httpRequest, HttpTimeoutError, type HttpAnswer } from './http_request.js';
import { storedCredential } from './stored_credentials.js';
import { unreachableServer } from './unreachable_server.js';

/**
 * How every CLI command that talks to a rolebridge server finds it, authenticates and reads its answers:
 * the server in `--server` or ROLEBRIDGE_SERVER, the workload secret in `--secret-file` or
 * ROLEBRIDGE_WORKLOAD_SECRET, the admin token in `--admin-token-file` or ROLEBRIDGE_ADMIN_TOKEN (CONTRACT.md).
 * Secrets never appear in what it prints.
 */

/** `--server` or ROLEBRIDGE_SERVER (or `fallback`), validated and without a trailing slash. */
export function serverUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, fallback?: string): string {
  const server = flag ?? env.ROLEBRIDGE_SERVER ?? fallback;
  if (!server) throw usageError('no server: pass --server URL or set ROLEBRIDGE_SERVER.');
  if (!/^https?:\/\//.test(server)) throw usageError(`--server must be an http(s) URL, got '${server}'.`);
  return server.replace(/\/+$/, '');
}

async function secretFrom(file: string | undefined, flag: string, variable: string | undefined): Promise<string | undefined> {
  if (file === undefined) return variable?.trim() || undefined;
  try {
    return (await readFile(file, 'utf8')).trim() || undefined;
  } catch (error) {
    throw usageError(`cannot read ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`);
  }
}

/** `--secret-file` or ROLEBRIDGE_WORKLOAD_SECRET. */
export async function workloadSecret(secretFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const secret = await secretFrom(secretFile, '--secret-file', env.ROLEBRIDGE_WORKLOAD_SECRET);
  if (!secret) throw usageError('no workload secret: set ROLEBRIDGE_WORKLOAD_SECRET or pass --secret-file PATH.');
  return secret;
}

/** `--admin-token-file`, ROLEBRIDGE_ADMIN_TOKEN, or what `rolebridge login` stored for `server`. */
export async function adminToken(adminTokenFile: string | undefined, env: NodeJS.ProcessEnv = process.env, server?: string): Promise<string> {
  const token =
    (await secretFrom(adminTokenFile, '--admin-token-file', undefined)) ??
    (env.ROLEBRIDGE_ADMIN_TOKEN?.trim() || undefined) ??
    (server === undefined ? undefined : (await storedCredential(server, env))?.token);
  if (!token) throw usageError('no credential: run `rolebridge login`, set ROLEBRIDGE_ADMIN_TOKEN or pass --admin-token-file PATH.');
  return token;
}

/** What every rolebridge secret and token is, and all a bearer header may carry unquoted: printable ASCII, no spaces. */
const BEARER_PATTERN = /^[\x21-\x7e]+$/;

/** Statuses that mean the caller's own input was wrong (usage, exit 2); any other failure is a negative verdict (exit 1). */
const CALLER_MISTAKES = new Set([400, 401, 404, 413, 415]);

export interface ServerCall {
  server: string;
  /** The bearer: a workload secret, an admin token or a set-up session. */
  token: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  /** Default 30 s; the doctor's probes can take longer. */
  timeoutMs?: number;
}

/**
 * Calls the server and returns its JSON answer. An error answer ends the command with the server's message
 * and code: exit 2 for the caller's mistakes (bad input, secret or name), exit 1 for refusals and outages.
 */
export async function callServer<T>(call: ServerCall): Promise<T> {
  // A header value with a line break or a non-Latin-1 character cannot be sent, and an HTTP client's error
  // may quote it, which would put the secret on stderr: refuse it here, without repeating it.
  if (!BEARER_PATTERN.test(call.token)) {
    throw usageError('the secret or token is not a single word of printable ASCII (a second line or a space in the file or variable?); it was not sent.');
  }
  let response: HttpAnswer;
  const timeoutMs = call.timeoutMs ?? 30_000;
  try {
    response = await httpRequest(`${call.server}${call.path}`, {
      method: call.method,
      headers: {
        authorization: `Bearer ${call.token}`,
        accept: 'application/json',
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
      timeoutMs,
    });
  } catch (error) {
    if (error instanceof HttpTimeoutError) throw new CliExit(EXIT_NEGATIVE, `${call.server} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
    throw await unreachableServer(call.server, error);
  }
  const text = response.text;
  if (response.ok) return (text === '' ? undefined : JSON.parse(text)) as T;
  throw new CliExit(CALLER_MISTAKES.has(response.status) ? EXIT_USAGE : EXIT_NEGATIVE, errorAnswerReason(response, text));
}

/**
 * What an error answer says: the envelope's message and code; for a body that is not our envelope (a proxy's
 * HTML page, say), the status and the page's first words, so "400" never stands alone.
 */
export function errorAnswerReason(response: { status: number; statusText: string }, text: string): string {
  const status = `the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  try {
    const { error } = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof error?.code === 'string' ? error.code : undefined;
    const message = typeof error?.message === 'string' ? error.message : undefined;
    // Our envelope already names the problem and its stable code (the text scripts match on): no status prefix.
    if (message !== undefined || code !== undefined) return `${message ?? status} (${code ?? response.status})`;
  } catch {
    // not our envelope: show what it says instead
  }
  const words = text.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  if (words === '') return `${status} with an empty body (not a rolebridge server, or a proxy in front of it?).`;
  return `${status}, not with a rolebridge error (a proxy in front of it?): "${words.length > 200 ? `${words.slice(0, 200)}…` : words}"`;
}
