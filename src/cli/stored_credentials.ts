import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * What `rolebridge login` keeps per server: a session token from the IdP sign-in or an API key, in the user's
 * config dir (`$ROLEBRIDGE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/rolebridge`, else `~/.config/rolebridge`;
 * `%APPDATA%\rolebridge` on Windows), file mode 0600 in a 0700 directory, as the AWS CLI and gh keep theirs.
 */
export interface StoredCredential {
  kind: 'session' | 'api_key';
  token: string;
  /** Sessions end (idle and absolute expiry); API keys until revoked. */
  expiresAt?: string;
  /** Who signed in, for `login` to print and for humans reading the file. */
  actor?: unknown;
}

type CredentialsFile = { servers: Record<string, StoredCredential> };

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ROLEBRIDGE_CONFIG_DIR) return env.ROLEBRIDGE_CONFIG_DIR;
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'rolebridge');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'rolebridge');
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'credentials.json');
}

async function readAll(env: NodeJS.ProcessEnv): Promise<CredentialsFile> {
  try {
    const parsed = JSON.parse(await readFile(credentialsPath(env), 'utf8')) as Partial<CredentialsFile>;
    return { servers: parsed.servers && typeof parsed.servers === 'object' ? parsed.servers : {} };
  } catch {
    return { servers: {} };
  }
}

/** The credential `rolebridge login` stored for `server`, if it has not expired. */
export async function storedCredential(server: string, env: NodeJS.ProcessEnv = process.env): Promise<StoredCredential | undefined> {
  const credential = (await readAll(env)).servers[server];
  if (!credential || typeof credential.token !== 'string') return undefined;
  if (credential.expiresAt !== undefined && Date.parse(credential.expiresAt) <= Date.now()) return undefined;
  return credential;
}

/** Writes the credential for `server` (atomically: a temporary file renamed over, 0600 from its creation). */
export async function storeCredential(server: string, credential: StoredCredential, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = credentialsPath(env);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const all = await readAll(env);
  all.servers[server] = credential;
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600); // a umask cannot loosen it, and an old file's mode does not carry over
  await rename(temporary, path);
  return path;
}
