/**
 * Token throughput with KMS custody against local custody, measured in the same run:
 * `POST /api/v1/token` req/s (wrk, a separate process) with the tenant's key in KMS (the emulator, in its own
 * process; once as it answers, once with 10 ms added to every Sign as an in-region KMS call may take) ÷ the
 * same endpoint with the key sealed locally (signing thread). KMS custody trades throughput for custody:
 * every token is one Sign call, bounded by ROLEBRIDGE's sign concurrency and the account's KMS quota.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config/index.js';
import { DEFAULT_ACCOUNT } from '../src/emulator/index.js';
import { startServerRuntime } from '../src/runtime/index.js';
import { createLogger } from '../src/server/index.js';
import type { BenchResult } from './bench_result.js';

const execFileAsync = promisify(execFile);
const DURATION = process.env.BENCH_DURATION ?? '8s';
const CONNECTIONS = '64';
const ADMIN_TOKEN = 'rb_admin_bench_0123456789abcdefghijklmnop';
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function wrk(url: string, script: string, duration = DURATION): Promise<number> {
  const { stdout } = await execFileAsync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${duration}`, '-s', script, url], { timeout: 120_000 });
  if (/Non-2xx or 3xx responses/.test(stdout)) throw new Error(`wrk saw errors:\n${stdout}`);
  const match = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (!match) throw new Error(`unexpected wrk output:\n${stdout}`);
  return Number(match[1]);
}

/** `rolebridge aws-emulator` in its own process, as KMS is another machine. */
async function startEmulatorProcess(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'aws-emulator', '--port', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/_emulator/health`)).ok) return { url, child };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the emulator did not start');
}

async function measure(dir: string, name: string, kmsEndpoint: string | undefined): Promise<number> {
  const config = loadConfig(
    { ROLEBRIDGE_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'), ROLEBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN },
    {
      databaseUrl: `sqlite:${join(dir, `bench-${name}.db`)}`,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'warn',
      dataDir: dir,
      keyCustody: kmsEndpoint === undefined ? 'local' : 'kms',
      kmsRegion: 'us-east-1',
    },
  );
  const runtime = await startServerRuntime(config, {
    logger: createLogger({ level: 'warn' }),
    defaultMetrics: false,
    ...(kmsEndpoint === undefined
      ? {}
      : { kms: { endpoint: kmsEndpoint, credentials: { accessKeyId: DEFAULT_ACCOUNT.accessKeyId, secretAccessKey: DEFAULT_ACCOUNT.secretAccessKey } } }),
  });
  try {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const post = async (path: string, body: unknown): Promise<Record<string, string>> => {
      const response = await fetch(`${runtime.url}/api/v1${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
      if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, string>;
    };
    await post('/tenants', { id: 'bench', name: 'Bench' });
    await post('/tenants/bench/token-configs', { name: 'default', subjectTemplate: 'tenant:{tenant}:deployment:{deployment}:component:{component}' });
    const workload = await post('/tenants/bench/workloads', { deployment: 'prod', component: 'api' });
    const script = join(dir, `token-${name}.lua`);
    writeFileSync(
      script,
      `wrk.method = "POST"\nwrk.body = "{}"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer ${workload.secret}"\n`,
    );
    const url = `${runtime.url}/api/v1/token`;
    await wrk(url, script, '2s'); // warm-up: caches, JIT, KMS connections
    return await wrk(url, script);
  } finally {
    await runtime.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rolebridge-bench-custody-'));
  const emulator = await startEmulatorProcess();
  try {
    const local = await measure(dir, 'local', undefined);
    const kms = await measure(dir, 'kms', emulator.url);
    await fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'Sign', latencyMs: 10 }) });
    const kmsSlow = await measure(dir, 'kms-10ms', emulator.url);
    const baseline = { name: 'POST /api/v1/token, local custody (signing thread)', value: local };
    const note = `wrk -t1 -c${CONNECTIONS} -d${DURATION}; the KMS emulator in its own process; sign concurrency 32`;
    return [
      { name: 'POST /api/v1/token, KMS custody (emulator)', value: kms, unit: 'req/s', baseline, ratio: kms / local, note },
      { name: 'POST /api/v1/token, KMS custody (emulator, +10 ms per Sign)', value: kmsSlow, unit: 'req/s', baseline, ratio: kmsSlow / local, note },
    ];
  } finally {
    emulator.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
