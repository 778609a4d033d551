import { InvalidInputError, RolebridgeError } from '../core/index.js';
import type { ConnectionTestResult } from '../doctor/index.js';

export interface RemoteTenant {
  id: string;
  name: string;
  issuer: string;
}

export interface RemoteTokenConfig {
  name: string;
  audience: string;
  subjectTemplate: string;
}

export interface RemoteWorkload {
  id: string;
  deployment: string;
  component: string;
}

export interface RemoteConnection {
  name: string;
  roleArn: string;
  region: string;
  tokenConfig: string;
  chain: Array<{ roleArn: string; externalId?: string }>;
}

export interface RemoteTrustPolicy {
  policy: { Version: '2012-10-17'; Statement: Array<Record<string, unknown>> };
  document: string;
  format: string;
}

export interface NewConnection {
  name: string;
  roleArn: string;
  region: string;
  tokenConfig: string;
  chain?: Array<{ roleArn: string; externalId?: string }>;
  verify: boolean;
  workload?: string;
}

/** A set-up session: what a set-up code was exchanged for, and what it is limited to. */
export interface RemoteSetupSession {
  sessionToken: string;
  expiresAt: string;
  tenant: string;
  tokenConfig: string;
  scope: string | null;
  connection: string | null;
}

/** The rolebridge server answered with its error envelope (or not at all). */
export class RolebridgeApiError extends RolebridgeError<string> {
  constructor(
    readonly httpStatus: number,
    readonly remoteCode: string,
    message: string,
  ) {
    // A 5xx or unreachable server is not the user's input error: exit 1, not 2.
    super(remoteCode, message, { status: httpStatus >= 500 || httpStatus === 0 ? 502 : 400, details: { httpStatus } });
  }
}

/**
 * The part of rolebridge's admin API that guided set-up uses, over HTTP with the admin token or a set-up
 * session token — the same surface any customer script would use. The token is only ever sent as a bearer header.
 */
export class RolebridgeApiClient {
  private readonly base: string;

  constructor(
    serverUrl: string,
    /** An admin API key or a set-up session token (or, for `startSetupSession`, the set-up code). */
    private readonly token: string,
  ) {
    this.base = serverUrl.replace(/\/+$/, '');
  }

  /**
   * Exchanges the set-up code this client holds as its token for a set-up session (the code works once);
   * build a new client with `sessionToken` for the rest of the run.
   */
  startSetupSession(): Promise<RemoteSetupSession> {
    return this.request('POST', '/api/v1/setup-sessions');
  }

  getTenant(tenant: string): Promise<RemoteTenant> {
    return this.request('GET', `/api/v1/tenants/${encodeURIComponent(tenant)}`);
  }

  async getTokenConfig(tenant: string, name: string): Promise<RemoteTokenConfig> {
    const { tokenConfigs } = await this.request<{ tokenConfigs: RemoteTokenConfig[] }>('GET', `${this.tenantPath(tenant)}/token-configs`);
    const config = tokenConfigs.find((candidate) => candidate.name === name);
    if (config === undefined) {
      const known = tokenConfigs.map((candidate) => candidate.name).join(', ') || 'none';
      throw new RolebridgeApiError(404, 'token_config_not_found', `Tenant ${tenant} has no token config ${name} (it has: ${known}).`);
    }
    return config;
  }

  async listWorkloads(tenant: string): Promise<RemoteWorkload[]> {
    return (await this.request<{ workloads: RemoteWorkload[] }>('GET', `${this.tenantPath(tenant)}/workloads`)).workloads;
  }

  getTrustPolicy(tenant: string, query: { tokenConfig: string; scope: string; accountId: string; format?: string }): Promise<RemoteTrustPolicy> {
    const params = new URLSearchParams({ tokenConfig: query.tokenConfig, scope: query.scope, accountId: query.accountId, format: query.format ?? 'json' });
    return this.request('GET', `${this.tenantPath(tenant)}/trust-policy?${params.toString()}`);
  }

  async findConnection(tenant: string, name: string): Promise<RemoteConnection | undefined> {
    try {
      return await this.request<RemoteConnection>('GET', `${this.tenantPath(tenant)}/connections/${encodeURIComponent(name)}`);
    } catch (error) {
      if (error instanceof RolebridgeApiError && error.httpStatus === 404) return undefined;
      throw error;
    }
  }

  createConnection(tenant: string, connection: NewConnection): Promise<RemoteConnection> {
    return this.request('POST', `${this.tenantPath(tenant)}/connections`, connection);
  }

  /** The doctor; its answer is passed through as it is (`{ok, steps, diagnosis?, probes}`). */
  testConnection(tenant: string, name: string): Promise<ConnectionTestResult> {
    return this.request('POST', `${this.tenantPath(tenant)}/connections/${encodeURIComponent(name)}/test`, {});
  }

  private tenantPath(tenant: string): string {
    return `/api/v1/tenants/${encodeURIComponent(tenant)}`;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    // fetch quotes a header value it refuses (a line break, a non-Latin-1 character) in its error: refuse
    // such a token here, without repeating it, rather than let it reach stderr as "cannot reach the server".
    if (!/^[\x21-\x7e]+$/.test(this.token)) {
      throw new InvalidInputError(
        'invalid_bearer_token',
        'The admin token, set-up code or session is not a single word of printable ASCII (a second line or a space in the file or variable?); it was not sent.',
      );
    }
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new RolebridgeApiError(0, 'server_unreachable', `Cannot reach the rolebridge server at ${this.base}: ${(error as Error).message}`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new RolebridgeApiError(response.status || 0, 'server_error', `rolebridge server: ${method} ${path} answered ${response.status} with a body that is not JSON`);
    }
    if (!response.ok) {
      const envelope = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new RolebridgeApiError(
        response.status,
        envelope?.code ?? 'server_error',
        `rolebridge server: ${envelope?.message ?? `${method} ${path} answered ${response.status}`}`,
      );
    }
    return parsed as T;
  }
}
