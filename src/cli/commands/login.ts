import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { CliExit, EXIT_NEGATIVE, usageError } from '../cli_exit.js';
import { printJson, printLine } from '../output.js';
import { callServer, errorAnswerReason, serverUrl } from '../server_api.js';
import { storeCredential } from '../stored_credentials.js';
import { unreachableServer } from '../unreachable_server.js';
import { style } from '../terminal_style.js';

/**
 * `rolebridge login`: sign in to a rolebridge server as an operator, as `gh auth login` and `aws sso login` do.
 * The browser goes through the server's IdP sign-in (authorization code + PKCE at the IdP), which hands a
 * one-time code to a listener on 127.0.0.1; the CLI exchanges it, with its own PKCE verifier, for a session
 * token of its own and keeps it in the user's config dir (mode 0600). `--api-key-file` stores an API key instead.
 */
interface LoginFlags {
  server?: string;
  apiKeyFile?: string;
  browser: boolean;
  timeout: string;
  json?: boolean;
}

interface Me {
  actor: { type: string; sub?: string; email?: string; id?: string };
  roles: Array<{ role: string; tenant?: string }>;
}

function describeRoles(roles: Me['roles']): string {
  return roles.map((grant) => (grant.tenant === undefined ? `${grant.role} (every tenant)` : `${grant.role} in ${grant.tenant}`)).join(', ');
}

function describeActor(actor: Me['actor']): string {
  return actor.type === 'user' ? (actor.email ?? actor.sub ?? 'user') : `API key ${actor.id ?? ''}`;
}

/** Opens the URL in the user's browser; where that cannot be done, the printed URL is the way. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser here: the URL is printed
  }
}

const DONE_PAGE = (message: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>rolebridge login</title></head><body><main><h1>${message}</h1><p>You can close this tab and return to the terminal.</p></main></body></html>`;

/** Waits for the one redirect to the loopback listener and answers the browser. */
function awaitCallback(server: Server, timeoutMs: number): Promise<{ code?: string; error?: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new CliExit(EXIT_NEGATIVE, `no sign-in within ${Math.round(timeoutMs / 1000)} s; run \`rolebridge login\` again.`)), timeoutMs);
    server.on('request', (request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/callback') {
        response.writeHead(404).end();
        return;
      }
      const code = url.searchParams.get('code') ?? undefined;
      const error = url.searchParams.get('error') ?? undefined;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(DONE_PAGE(code !== undefined ? 'Signed in to rolebridge' : 'Sign-in did not complete'));
      clearTimeout(timer);
      resolve({ ...(code === undefined ? {} : { code }), ...(error === undefined ? {} : { error }) });
    });
  });
}

async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  if (!response.ok) throw new CliExit(EXIT_NEGATIVE, errorAnswerReason(response, text));
  return JSON.parse(text) as T;
}

async function signInWithBrowser(server: string, flags: LoginFlags): Promise<{ token: string; expiresAt: string }> {
  const config = (await (await fetch(`${server}/auth/config`, { signal: AbortSignal.timeout(30_000) }).catch(async (error: Error) => {
    throw await unreachableServer(server, error);
  })).json()) as { idp?: boolean };
  if (!config.idp) throw usageError(`${server} has no identity-provider sign-in (ROLEBRIDGE_AUTH_JWT_ISSUER); use --api-key-file PATH.`);

  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  try {
    const redirect = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/callback`;
    const loginUrl = `${server}/auth/login?${new URLSearchParams({ cli_redirect: redirect, cli_challenge: challenge }).toString()}`;
    process.stderr.write(`Open this URL in your browser to sign in:\n\n  ${loginUrl}\n\n`);
    if (flags.browser) openBrowser(loginUrl);
    const seconds = Number(flags.timeout);
    if (!Number.isInteger(seconds) || seconds < 1) throw usageError(`--timeout takes whole seconds, got '${flags.timeout}'.`);
    const callback = await awaitCallback(listener, seconds * 1000);
    if (callback.code === undefined) {
      throw new CliExit(EXIT_NEGATIVE, callback.error === 'no_role' ? 'signed in, but your identity has no rolebridge role (admin, operator, viewer or <tenant>:<role>).' : 'the sign-in did not complete.');
    }
    const exchanged = await postJson<{ sessionToken: string; expiresAt: string }>(`${server}/auth/cli/exchange`, { code: callback.code, verifier });
    return { token: exchanged.sessionToken, expiresAt: exchanged.expiresAt };
  } finally {
    listener.closeAllConnections();
    listener.close();
  }
}

async function login(flags: LoginFlags): Promise<void> {
  const server = serverUrl(flags.server, process.env, 'http://127.0.0.1:8080');
  let credential: { token: string; expiresAt?: string; kind: 'session' | 'api_key' };
  if (flags.apiKeyFile !== undefined) {
    let key: string;
    try {
      key = (await readFile(flags.apiKeyFile, 'utf8')).trim();
    } catch (error) {
      throw usageError(`cannot read --api-key-file ${flags.apiKeyFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`);
    }
    if (key === '') throw usageError(`--api-key-file ${flags.apiKeyFile} is empty.`);
    credential = { token: key, kind: 'api_key' };
  } else {
    credential = { ...(await signInWithBrowser(server, flags)), kind: 'session' };
  }
  // Proves the credential before keeping it, and says who it is.
  const me = await callServer<Me>({ server, token: credential.token, method: 'GET', path: '/api/v1/me' });
  const path = await storeCredential(server, { ...credential, actor: me.actor });
  if (flags.json) {
    printJson({ server, actor: me.actor, roles: me.roles, ...(credential.expiresAt === undefined ? {} : { expiresAt: credential.expiresAt }), credentialsFile: path });
    return;
  }
  printLine(`Signed in to ${server} as ${style.bold(describeActor(me.actor))}: ${describeRoles(me.roles)}.`);
  printLine(style.dim(`Kept in ${path} (mode 0600)${credential.expiresAt === undefined ? '' : `, until ${credential.expiresAt}`}; commands for this server use it when ROLEBRIDGE_ADMIN_TOKEN is not set.`));
}

export function registerLoginCommand(program: Command): void {
  program
    .command('login')
    .description(
      "Sign in to a rolebridge server as an operator: with your company's identity provider in the browser (a loopback redirect, as `gh auth login`), " +
        'or with an API key (--api-key-file). The credential is kept per server in your config dir with mode 0600. Exit 0 signed in, 1 refused or timed out, 2 bad input.',
    )
    .option('--server <url>', 'rolebridge server URL (ROLEBRIDGE_SERVER, default http://127.0.0.1:8080)')
    .option('--api-key-file <path>', 'store this API key instead of signing in with the identity provider')
    .option('--no-browser', 'print the sign-in URL without opening a browser')
    .option('--timeout <seconds>', 'how long to wait for the browser sign-in', '300')
    .option('--json', 'print {server, actor, roles, expiresAt?, credentialsFile}')
    .action(async (flags: LoginFlags) => login(flags));
}
