/**
 * What the HTTP benchmarks share: a rolebridge server on SQLite with one tenant, its default token config and
 * one workload, the wrk script that asks for that workload's tokens, and `wrk` itself (a separate process,
 * so the load generator does not share the server's event loop).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, type Config } from '../src/config/index.js';
import { startServerRuntime, type RuntimeOptions, type ServerRuntime } from '../src/runtime/index.js';
import { createLogger } from '../src/server/index.js';

const execFileAsync = promisify(execFile);
export const BENCH_DURATION = process.env.BENCH_DURATION ?? '8s';
export const BENCH_CONNECTIONS = '64';
const ADMIN_TOKEN = 'rb_admin_bench_0123456789abcdefghijklmnop';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs wrk against `url`; refuses to report a figure when any response was not 2xx/3xx. */
export async function wrk(url: string, script?: string, duration = BENCH_DURATION): Promise<number> {
  const args = ['-t1', `-c${BENCH_CONNECTIONS}`, `-d${duration}`, ...(script ? ['-s', script] : []), url];
  const { stdout } = await execFileAsync('wrk', args, { timeout: 120_000 });
  if (/Non-2xx or 3xx responses/.test(stdout)) throw new Error(`wrk saw errors:\n${stdout}`);
  const match = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (!match) throw new Error(`unexpected wrk output:\n${stdout}`);
  return Number(match[1]);
}

export interface BenchServer {
  runtime: ServerRuntime;
  /** The tenant's issuer URL. */
  issuer: string;
  /** `POST /api/v1/token`. */
  tokenUrl: string;
  /** A wrk script that posts `{}` to the token endpoint with the workload's secret. */
  tokenScript: string;
  close(): Promise<void>;
}

export interface BenchServerOptions {
  /** Names the database file and the wrk script (one per server in a run). */
  name: string;
  /** Where the database and scripts go (the caller removes it). */
  dir: string;
  /** Extra configuration (key custody, region…). */
  config?: Partial<Config>;
  runtime?: Omit<RuntimeOptions, 'logger' | 'defaultMetrics'>;
}

/** Starts a rolebridge server on SQLite and seeds tenant `bench` with a default token config and one workload. */
export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const { dir, name } = options;
  const config = loadConfig(
    { ROLEBRIDGE_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'), ROLEBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN },
    { databaseUrl: `sqlite:${join(dir, `bench-${name}.db`)}`, host: '127.0.0.1', port: 0, logLevel: 'warn', dataDir: dir, ...options.config },
  );
  const runtime = await startServerRuntime(config, { logger: createLogger({ level: 'warn' }), defaultMetrics: false, ...options.runtime });
  try {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const post = async (path: string, body: unknown): Promise<Record<string, string>> => {
      const response = await fetch(`${runtime.url}/api/v1${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
      if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, string>;
    };
    const tenant = await post('/tenants', { id: 'bench', name: 'Bench' });
    await post('/tenants/bench/token-configs', {
      name: 'default',
      subjectTemplate: 'tenant:{tenant}:deployment:{deployment}:component:{component}',
      sessionTags: { principalTags: { Deployment: '{deployment}' } },
    });
    const workload = await post('/tenants/bench/workloads', { deployment: 'prod', component: 'api', region: 'eu-west-1' });
    const tokenScript = join(dir, `token-${name}.lua`);
    writeFileSync(
      tokenScript,
      `wrk.method = "POST"\nwrk.body = "{}"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer ${workload.secret}"\n`,
    );
    return { runtime, issuer: tenant.issuer as string, tokenUrl: `${runtime.url}/api/v1/token`, tokenScript, close: () => runtime.close() };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}

/** Token requests/s of a bench server: a short warm-up (caches, JIT, connections), then the measured run. */
export async function measureTokens(server: BenchServer): Promise<number> {
  await wrk(server.tokenUrl, server.tokenScript, '2s');
  return wrk(server.tokenUrl, server.tokenScript);
}
