import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdminRequest } from './admin_routes.js';
import type { EmulatorService } from './emulator_service.js';
import { type AccountSeed, type EmulatorState, emptyState, ensureAccount } from './emulator_state.js';
import { EventLog } from './event_log.js';
import { FaultInjector } from './fault_injection.js';
import { type EmulatorRuntime, type RawRequest, handleAwsRequest } from './handle_aws_request.js';
import { ServiceRegistry, defaultServices } from './service_registry.js';
import { loadStateFile, saveStateFile } from './state_file.js';
import { IssuerKeyCache } from './web_identity/issuer_key_cache.js';

/** AWS's documentation example keys: the defaults of `rolebridge aws-emulator` (CONTRACT.md). */
export const DEFAULT_ACCOUNT: AccountSeed = {
  accountId: '123456789012',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

export interface EmulatorOptions {
  host?: string;
  /** 0 picks a free port. Default 4566. */
  port?: number;
  /** Accounts with their admin (root) keys. Default: one account with AWS's example keys. */
  accounts?: readonly AccountSeed[];
  /** Keeps state across restarts (JSON, atomically replaced). */
  stateFile?: string;
  /** Clock in ms, for tests that move time. */
  now?: () => number;
  /** Extra services (Redshift) beside STS and IAM. */
  services?: readonly EmulatorService[];
  /** How long to wait for an issuer's discovery/JWKS (AWS: 5 s). */
  issuerFetchTimeoutMs?: number;
}

export interface RunningEmulator {
  /** `http://host:port` — the endpoint for `--endpoint-url` / `AWS_ENDPOINT_URL`. */
  url: string;
  port: number;
  accounts: readonly AccountSeed[];
  /** The live state, for embedding (read-only use). */
  state(): EmulatorState;
  close(): Promise<void>;
}

/** The largest request body accepted (AWS Query requests are small; policies are at most ~128 KiB). */
const MAX_BODY_BYTES = 1024 * 1024;

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const accounts = options.accounts && options.accounts.length > 0 ? options.accounts : [DEFAULT_ACCOUNT];
  const now = options.now ?? Date.now;
  const stateFile = options.stateFile;

  let state = (stateFile === undefined ? undefined : await loadStateFile(stateFile)) ?? emptyState(accounts, new Date(now()));
  for (const seed of accounts) ensureAccount(state, seed, new Date(now()));

  let saving: Promise<void> = Promise.resolve();
  const persist = (): void => {
    if (stateFile === undefined) return;
    const snapshot = structuredClone(state);
    saving = saving.then(() => saveStateFile(stateFile, snapshot)).catch((error: unknown) => {
      console.error('aws-emulator: could not write the state file', error);
    });
  };

  const runtime: EmulatorRuntime = {
    state,
    services: new ServiceRegistry([...defaultServices, ...(options.services ?? [])]),
    events: new EventLog(),
    faults: new FaultInjector(),
    issuerKeys: new IssuerKeyCache(options.issuerFetchTimeoutMs),
    now,
    stateChanged: persist,
  };
  const reset = (): void => {
    state = emptyState(accounts, new Date(now()));
    runtime.state = state;
    runtime.events.clear();
    runtime.faults.clear();
    runtime.issuerKeys.clear();
    persist();
  };
  persist();

  const server = createServer((req, res) => {
    void serve(runtime, req, res, reset);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4566, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    accounts,
    state: () => runtime.state,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await saving;
    },
  };
}

async function serve(runtime: EmulatorRuntime, req: IncomingMessage, res: ServerResponse, reset: () => void): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413, { 'content-type': 'text/plain' }).end('Request body too large\n');
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const request: RawRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
      sourceIp: req.socket.remoteAddress ?? '',
    };
    const response = request.url.startsWith('/_emulator/')
      ? handleAdminRequest(runtime, request, reset)
      : await handleAwsRequest(runtime, request);
    res.writeHead(response.status, response.headers).end(response.body);
  } catch (error) {
    console.error('aws-emulator: request failed', error);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end();
  }
}
