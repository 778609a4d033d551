/**
 * The token endpoint under wrk load, for finding where its time goes (not part of `npm run bench`):
 *
 *   node --import tsx bench/profile_tokens.ts                 req/s ÷ raw ES256 signatures/s (same run)
 *   CPU=1 node --import tsx bench/profile_tokens.ts           + CPU µs per token: main thread and whole process
 *   WINDOW=/tmp/w.json node --cpu-prof --cpu-prof-dir=/tmp/p --import tsx bench/profile_tokens.ts
 *                                                             + the measured window's start/end (µs, the
 *                                                             profile's clock) to cut the profile to the load
 *
 * CPU per token (from /proc, Linux) moves much less than req/s when the machine is shared with other load.
 * SIGNING=inline measures the inline signer.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BENCH_CONNECTIONS, BENCH_DURATION, measureTokens, startBenchServer, wrk } from './bench_server.js';

function rawSignaturesPerSecond(ms = 3000): number {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const input = Buffer.from(`eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'x'.repeat(120), iat: 1 })).toString('base64url')}`);
  const key = { key: privateKey, dsaEncoding: 'ieee-p1363' as const };
  for (let i = 0; i < 2000; i++) sign('sha256', input, key);
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 500; i++) sign('sha256', input, key);
    count += 500;
  }
  return (count * 1000) / (performance.now() - start);
}

/** utime + stime of a /proc stat file, in clock ticks (10 ms). */
function cpuTicks(path: string): number {
  const fields = (readFileSync(path, 'utf8').split(') ')[1] ?? '').split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const dir = mkdtempSync(join(tmpdir(), 'rolebridge-profile-'));
const signing = process.env.SIGNING === 'inline' ? 'inline' : 'worker';
try {
  const before = rawSignaturesPerSecond();
  const server = await startBenchServer({ name: 'profile', dir, runtime: { issuerSigning: signing } });
  let tokens: number;
  try {
    if (process.env.CPU || process.env.WINDOW) {
      await wrk(server.tokenUrl, server.tokenScript, '2s');
      const from = process.hrtime.bigint() / 1000n;
      const main0 = cpuTicks(`/proc/self/task/${process.pid}/stat`);
      const all0 = cpuTicks('/proc/self/stat');
      const { stdout } = await promisify(execFile)('wrk', ['-t1', `-c${BENCH_CONNECTIONS}`, `-d${BENCH_DURATION}`, '-s', server.tokenScript, server.tokenUrl]);
      const main1 = cpuTicks(`/proc/self/task/${process.pid}/stat`);
      const all1 = cpuTicks('/proc/self/stat');
      if (process.env.WINDOW) writeFileSync(process.env.WINDOW, JSON.stringify({ from: Number(from), to: Number(process.hrtime.bigint() / 1000n) }));
      const count = Number(/(\d+) requests in/.exec(stdout)?.[1]);
      tokens = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
      console.log(JSON.stringify({ count, mainCpuUsPerToken: ((main1 - main0) * 10_000) / count, processCpuUsPerToken: ((all1 - all0) * 10_000) / count }));
    } else {
      tokens = await measureTokens(server);
    }
  } finally {
    await server.close();
  }
  const signatures = (before + rawSignaturesPerSecond()) / 2;
  console.log(JSON.stringify({ signing, tokens, signatures, ratio: tokens / signatures }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
