/**
 * A rolebridge cluster as an operator runs one: N `rolebridge serve` processes on one PostgreSQL database,
 * behind nginx (Debian's nginx-light) as the load balancer. Used by test/cluster and `npm run cluster`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLUSTER_ADMIN_TOKEN = 'rb_admin_cluster_0123456789abcdefghijklmnopqrstuvwxyz';
export const CLUSTER_MASTER_KEY = Buffer.alloc(32, 9).toString('base64');
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));

export interface Replica {
  index: number;
  port: number;
  url: string;
  child: ChildProcess;
  /** Every JSON log line the replica wrote. */
  logs: Array<Record<string, unknown>>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

export interface RolebridgeCluster {
  /** nginx in front of every replica: what clients and the issuer URL use. */
  url: string;
  issuerTemplate: string;
  databaseUrl: string;
  replicas: Replica[];
  /** Starts replica `index` again on its old port (after it stopped), so nginx's upstream list stays right. */
  restart(index: number): Promise<Replica>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  databaseUrl: string;
  replicas?: number;
  /** Extra environment for every replica (intervals, the STS endpoint…). */
  env?: Record<string, string>;
  /** Where replica output goes besides being parsed (`npm run cluster` shows it). */
  echo?: (replica: number, line: string) => void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the replicas at once (as a deployment does), then nginx in front of them. */
export async function startRolebridgeCluster(options: ClusterOptions): Promise<RolebridgeCluster> {
  if (!NGINX) throw new Error('nginx is not installed (.ci/run installs nginx-light)');
  const dir = mkdtempSync(join(tmpdir(), 'rolebridge-cluster-'));
  const lbPort = await freePort();
  const issuerTemplate = `http://127.0.0.1:${lbPort}/t/{tenant}`;
  const env: Record<string, string> = {
    ...pick(process.env, ['PATH', 'HOME', 'TMPDIR', 'NODE_OPTIONS']),
    ROLEBRIDGE_DATABASE_URL: options.databaseUrl,
    ROLEBRIDGE_MASTER_KEY: CLUSTER_MASTER_KEY,
    ROLEBRIDGE_ADMIN_TOKEN: CLUSTER_ADMIN_TOKEN,
    ROLEBRIDGE_ISSUER_TEMPLATE: issuerTemplate,
    ROLEBRIDGE_LOG_LEVEL: 'info',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...options.env,
  };
  const start = (index: number, port: number): Promise<Replica> => startReplica(index, port, env, options.echo);
  const replicas = await Promise.all(Array.from({ length: options.replicas ?? 3 }, (_, index) => start(index, 0)));
  let nginx: ChildProcess | undefined;
  const cluster: RolebridgeCluster = {
    url: `http://127.0.0.1:${lbPort}`,
    issuerTemplate,
    databaseUrl: options.databaseUrl,
    replicas,
    async restart(index) {
      const old = replicas[index] as Replica;
      await old.exited;
      const replica = await start(index, old.port);
      replicas[index] = replica;
      return replica;
    },
    async stop() {
      await Promise.all(replicas.map((replica) => stopChild(replica.child, 'SIGTERM')));
      if (nginx) await stopChild(nginx, 'SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    nginx = await startNginx(dir, lbPort, replicas.map((replica) => replica.port));
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

function pick(source: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) if (source[name] !== undefined) picked[name] = source[name] as string;
  return picked;
}

async function startReplica(index: number, port: number, env: Record<string, string>, echo?: (replica: number, line: string) => void): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: process.cwd(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) echo?.(index, line);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim()) echo?.(index, line);
        if (line.startsWith('{')) {
          try {
            logs.push(JSON.parse(line) as Record<string, unknown>);
          } catch {
            // not a log line
          }
        }
        const listening = /rolebridge listening on ([^\s"]+)/.exec(line);
        if (listening) resolve(listening[1] as string);
      }
    });
    void exited.then((code) => reject(new Error(`replica ${index} exited (${code}) before listening: ${stderr}`)));
  });
  return { index, port: Number(new URL(url).port), url, child, logs, exited };
}

/**
 * nginx as a plain round-robin load balancer. It retries a request on another replica when the connection
 * fails or a draining replica answers 503 (`non_idempotent`: token and credential requests are safe to repeat).
 */
export async function startNginx(dir: string, port: number, upstreams: number[]): Promise<ChildProcess> {
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub), { recursive: true });
  const config = `
${process.getuid?.() === 0 ? 'user root root;' : ''}
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream rolebridge {
${upstreams.map((upstream) => `    server 127.0.0.1:${upstream} max_fails=1 fail_timeout=2s;`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://rolebridge;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_connect_timeout 2s;
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 3;
    }
  }
}
`;
  const configPath = join(dir, 'nginx.conf');
  writeFileSync(configPath, config);
  const child = spawn(NGINX as string, ['-p', dir, '-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.status === 200) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not answer on ${port}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
