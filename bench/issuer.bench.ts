/**
 * The issuer's two hot endpoints against baselines measured in the same run:
 * - `POST /api/v1/token` requests/s (load from `wrk`, a separate process) ÷ raw ES256 `crypto.sign`
 *   signatures/s on one core (goal ≥ 0.5);
 * - the tenant JWKS requests/s ÷ nginx (one worker) serving the same bytes from a file (goal ≥ 0.6).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/server/index.js';
import { startServerRuntime } from '../src/runtime/index.js';
import type { BenchResult } from './bench_result.js';

const execFileAsync = promisify(execFile);
const DURATION = process.env.BENCH_DURATION ?? '8s';
const CONNECTIONS = '64';
const ADMIN_TOKEN = 'rb_admin_bench_0123456789abcdefghijklmnop';

/** Tight-loop ES256 signatures per second on one core: the ceiling a token endpoint is measured against. */
function rawEs256SignaturesPerSecond(ms = 3000): number {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const input = Buffer.from(`eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'x'.repeat(120), iat: 1 })).toString('base64url')}`);
  const key = { key: privateKey, dsaEncoding: 'ieee-p1363' as const };
  for (let i = 0; i < 2000; i++) sign('sha256', input, key); // warm up
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 500; i++) sign('sha256', input, key);
    count += 500;
  }
  return (count * 1000) / (performance.now() - start);
}

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

/** Runs wrk against `url`; refuses to report a figure when any response was not 2xx/3xx. */
async function wrk(url: string, script?: string, duration = DURATION): Promise<number> {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${duration}`, ...(script ? ['-s', script] : []), url];
  const { stdout } = await execFileAsync('wrk', args, { timeout: 120_000 });
  if (/Non-2xx or 3xx responses/.test(stdout)) throw new Error(`wrk saw errors:\n${stdout}`);
  const match = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (!match) throw new Error(`unexpected wrk output:\n${stdout}`);
  return Number(match[1]);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * nginx, one worker, serving `body` as a file. `accessLog`: nginx's default, one log line per request
 * written to a file; otherwise `access_log off`. (PERF-NOTES' 48–52k req/s was attributed to the access
 * log; on these machines nginx with it still serves well over 100k, so both figures are reported.)
 */
async function startNginx(dir: string, body: Buffer, accessLog: boolean): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  // nginx's worker runs as an unprivileged user when started as root: the served file must be readable.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'jwks.json'), body, { mode: 0o644 });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 1024; }
http {
  access_log ${accessLog ? `${dir}/access.log` : 'off'};
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location = /jwks.json { root ${dir}; default_type application/json; add_header Cache-Control "public, max-age=300"; }
  }
}
`,
  );
  const child = spawn('nginx', ['-p', dir, '-c', conf], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/jwks.json`;
  for (let i = 0; i < 50; i++) {
    try {
      const response = await fetch(url);
      if (response.ok && Buffer.from(await response.arrayBuffer()).equals(body)) return { url, stop: () => stopChild(child) };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  let log = '';
  try {
    log = readFileSync(join(dir, 'error.log'), 'utf8');
  } catch {
    // no log written
  }
  throw new Error(`nginx did not start: ${log}`);
}

async function measureNginx(dir: string, body: Buffer, accessLog: boolean): Promise<number> {
  const nginx = await startNginx(dir, body, accessLog);
  try {
    await wrk(nginx.url, undefined, '2s');
    return await wrk(nginx.url);
  } finally {
    await nginx.stop(); // the next nginx reuses the pid file
  }
}

interface ServerFigures {
  tokens: number;
  jwks: number;
  jwksBody: Buffer;
}

/** Starts a rolebridge server with `signing` mode, seeds a tenant, and measures both endpoints with wrk. */
async function measureServer(dir: string, signing: 'worker' | 'inline'): Promise<ServerFigures> {
  const config = loadConfig(
    { ROLEBRIDGE_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'), ROLEBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN },
    { databaseUrl: `sqlite:${join(dir, `bench-${signing}.db`)}`, host: '127.0.0.1', port: 0, logLevel: 'warn', dataDir: dir },
  );
  const runtime = await startServerRuntime(config, { logger: createLogger({ level: 'warn' }), defaultMetrics: false, issuerSigning: signing });
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
    const script = join(dir, `token-${signing}.lua`);
    writeFileSync(
      script,
      `wrk.method = "POST"\nwrk.body = "{}"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer ${workload.secret}"\n`,
    );
    const tokenUrl = `${runtime.url}/api/v1/token`;
    const jwksUrl = `${tenant.issuer}/.well-known/jwks.json`;
    const jwksBody = Buffer.from(await (await fetch(jwksUrl)).arrayBuffer());
    await wrk(tokenUrl, script, '2s'); // warm-up: caches, JIT
    const tokens = await wrk(tokenUrl, script);
    await wrk(jwksUrl, undefined, '2s');
    const jwks = await wrk(jwksUrl);
    return { tokens, jwks, jwksBody };
  } finally {
    await runtime.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rolebridge-bench-'));
  try {
    // Baselines and figures in one run, each measured while nothing else of ours runs. On a shared machine
    // the load drifts, so the signature baseline is taken before and after the servers and averaged.
    const signaturesBefore = rawEs256SignaturesPerSecond();
    const worker = await measureServer(dir, 'worker');
    const nginxLogging = await measureNginx(dir, worker.jwksBody, true);
    const nginxQuiet = await measureNginx(dir, worker.jwksBody, false);
    const inline = await measureServer(dir, 'inline');
    const signatures = (signaturesBefore + rawEs256SignaturesPerSecond()) / 2;
    const baseline = { name: 'crypto.sign ES256, one core, tight loop (mean of before/after)', value: signatures };
    return [
      {
        name: 'POST /api/v1/token (ES256, signing thread, default)',
        value: worker.tokens,
        unit: 'req/s',
        baseline,
        ratio: worker.tokens / signatures,
        goal: 0.5,
        note: `wrk -t1 -c${CONNECTIONS} -d${DURATION}`,
      },
      {
        name: 'POST /api/v1/token (ES256, inline signing)',
        value: inline.tokens,
        unit: 'req/s',
        baseline,
        ratio: inline.tokens / signatures,
        goal: 0.5,
        note: `wrk -t1 -c${CONNECTIONS} -d${DURATION}`,
      },
      {
        name: 'GET {issuer}/.well-known/jwks.json vs nginx default config',
        value: worker.jwks,
        unit: 'req/s',
        baseline: { name: 'nginx, one worker, same bytes, default access log to a file', value: nginxLogging },
        ratio: worker.jwks / nginxLogging,
        goal: 0.6,
        note: `${worker.jwksBody.length} bytes; nginx's default access log, written to a file`,
      },
      {
        name: 'GET {issuer}/.well-known/jwks.json vs nginx access_log off',
        value: worker.jwks,
        unit: 'req/s',
        baseline: { name: 'nginx, one worker, same bytes, access_log off', value: nginxQuiet },
        ratio: worker.jwks / nginxQuiet,
        goal: 0.6,
        note: `${worker.jwksBody.length} bytes; the stricter baseline: nginx with no per-request logging`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
