/**
 * The issuer's two hot endpoints against baselines measured in the same run:
 * - `POST /api/v1/token` requests/s (load from `wrk`, a separate process) ÷ raw ES256 `crypto.sign`
 *   signatures/s on one core (goal ≥ 0.5);
 * - the tenant JWKS requests/s ÷ nginx (one worker) serving the same bytes from a file (goal ≥ 0.6).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './bench_result.js';
import { BENCH_CONNECTIONS as CONNECTIONS, BENCH_DURATION as DURATION, freePort, measureTokens, startBenchServer, wrk } from './bench_server.js';

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
  const server = await startBenchServer({ name: signing, dir, runtime: { issuerSigning: signing } });
  try {
    const tokens = await measureTokens(server);
    const jwksUrl = `${server.issuer}/.well-known/jwks.json`;
    const jwksBody = Buffer.from(await (await fetch(jwksUrl)).arrayBuffer());
    await wrk(jwksUrl, undefined, '2s');
    const jwks = await wrk(jwksUrl);
    return { tokens, jwks, jwksBody };
  } finally {
    await server.close();
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
