/**
 * Token-endpoint throughput of a cluster: `POST /api/v1/token` requests/s through nginx with 1 and with 2
 * replicas on one PostgreSQL, each as a ratio to one replica called directly (the baseline, measured in the
 * same run). On a machine with few cores the replicas, nginx and wrk share them, so the ratio shows what the
 * load balancer costs more than what a second replica adds; on real hosts each replica has its own cores.
 * Load comes from `wrk`, a separate process. Speed is reported, never asserted.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, startPostgresCluster } from '../test/helpers/postgres_cluster.js';
import { CLUSTER_ADMIN_TOKEN, freePort, startNginx, startRolebridgeCluster, stopChild } from '../test/helpers/rolebridge_cluster.js';
import type { BenchResult } from './bench_result.js';

const execFileAsync = promisify(execFile);
const DURATION = process.env.BENCH_DURATION ?? '8s';

async function wrkPost(url: string, script: string, duration = DURATION): Promise<number> {
  const { stdout } = await execFileAsync('wrk', ['-t1', '-c32', `-d${duration}`, '-s', script, url], { timeout: 120_000 });
  if (/Non-2xx or 3xx responses/.test(stdout)) throw new Error(`wrk saw errors:\n${stdout}`);
  const match = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (!match) throw new Error(`unexpected wrk output:\n${stdout}`);
  return Number(match[1]);
}

async function admin(base: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLUSTER_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

export async function run(): Promise<BenchResult[]> {
  const postgres = await startPostgresCluster();
  const dir = mkdtempSync(join(tmpdir(), 'rolebridge-bench-replicas-'));
  try {
    const cluster = await startRolebridgeCluster({ databaseUrl: await createTestDatabase(postgres.url, 'bench'), replicas: 2 });
    const single = await freePort();
    const oneBehindNginx = await startNginx(join(dir), single, [(cluster.replicas[0] as { port: number }).port]);
    try {
      await admin(cluster.url, '/api/v1/tenants', { id: 'acme', name: 'Acme' });
      await admin(cluster.url, '/api/v1/tenants/acme/token-configs', { name: 'default', subjectTemplate: 'app:{deployment}:{component}' });
      const { secret } = (await admin(cluster.url, '/api/v1/tenants/acme/workloads', { deployment: 'bench', component: 'api' })) as { secret: string };
      const script = join(dir, 'token.lua');
      writeFileSync(
        script,
        `wrk.method = "POST"\nwrk.body = "{}"\nwrk.headers["content-type"] = "application/json"\nwrk.headers["authorization"] = "Bearer ${secret}"\n`,
      );
      const direct = `${(cluster.replicas[0] as { url: string }).url}/api/v1/token`;
      const viaOne = `http://127.0.0.1:${single}/api/v1/token`;
      const viaTwo = `${cluster.url}/api/v1/token`;
      for (const url of [direct, viaOne, viaTwo]) await wrkPost(url, script, '2s'); // warm-up: JIT, caches on both replicas
      // The baseline is measured before and after and the better figure kept (a shared machine drifts).
      const directBefore = await wrkPost(direct, script);
      const one = await wrkPost(viaOne, script);
      const two = await wrkPost(viaTwo, script);
      const baseline = Math.max(directBefore, await wrkPost(direct, script));
      const base = { name: 'one replica, direct', value: baseline };
      return [
        { name: 'tokens/s, 1 replica through nginx', value: one, unit: 'req/s', baseline: base, ratio: one / baseline },
        {
          name: 'tokens/s, 2 replicas through nginx',
          value: two,
          unit: 'req/s',
          baseline: base,
          ratio: two / baseline,
          note: 'replicas, nginx and wrk share this machine\'s cores',
        },
      ];
    } finally {
      await stopChild(oneBehindNginx, 'SIGQUIT');
      await cluster.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await postgres.stop();
  }
}
