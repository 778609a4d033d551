/**
 * Token throughput with KMS custody against local custody, measured in the same run:
 * `POST /api/v1/token` req/s (wrk, a separate process) with the tenant's key in KMS (the emulator, in its own
 * process; once as it answers, once with 10 ms added to every Sign as an in-region KMS call may take) ÷ the
 * same endpoint with the key sealed locally (signing thread). KMS custody trades throughput for custody:
 * every token is one Sign call, bounded by ROLEBRIDGE's sign concurrency and the account's KMS quota.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ACCOUNT } from '../src/emulator/index.js';
import type { BenchResult } from './bench_result.js';
import { BENCH_CONNECTIONS, BENCH_DURATION, freePort, measureTokens, startBenchServer } from './bench_server.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

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

/** Token requests/s of a server whose tenant key is sealed locally, or made in KMS at `kmsEndpoint`. */
async function measure(dir: string, name: string, kmsEndpoint: string | undefined): Promise<number> {
  const server = await startBenchServer({
    name,
    dir,
    config: { keyCustody: kmsEndpoint === undefined ? 'local' : 'kms', kmsRegion: 'us-east-1' },
    runtime:
      kmsEndpoint === undefined
        ? {}
        : { kms: { endpoint: kmsEndpoint, credentials: { accessKeyId: DEFAULT_ACCOUNT.accessKeyId, secretAccessKey: DEFAULT_ACCOUNT.secretAccessKey } } },
  });
  try {
    return await measureTokens(server);
  } finally {
    await server.close();
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
    const note = `wrk -t1 -c${BENCH_CONNECTIONS} -d${BENCH_DURATION}; the KMS emulator in its own process; sign concurrency 32`;
    return [
      { name: 'POST /api/v1/token, KMS custody (emulator)', value: kms, unit: 'req/s', baseline, ratio: kms / local, note },
      { name: 'POST /api/v1/token, KMS custody (emulator, +10 ms per Sign)', value: kmsSlow, unit: 'req/s', baseline, ratio: kmsSlow / local, note },
    ];
  } finally {
    emulator.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
