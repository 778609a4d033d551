/**
 * Many tenants on one server (`rolebridge serve` from dist/, its own process, SQLite):
 * - JWKS p99 latency over random tenants of 10,000 ÷ p99 of one tenant's JWKS, same server, same load
 *   (`wrk -t1 -c64`, loopback; goal ≤ 1.2): what holding many tenants costs a verifier's fetch;
 * - the server's resident memory after serving all of them (goal ≤ 300 MB).
 * Tenants are created through the API (each with its keys, as in production). BENCH_TENANTS changes the count.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchResult } from './bench_result.js';

const execFileAsync = promisify(execFile);
const REPO = fileURLToPath(new URL('..', import.meta.url));
const TENANTS = Number(process.env.BENCH_TENANTS ?? 10_000);
const DURATION = process.env.BENCH_DURATION ?? '8s';
const ADMIN_TOKEN = 'rb_admin_bench_0123456789abcdefghijklmnop';
/** Another build's entry (e.g. main's `bin/rolebridge.js`) to compare with in one sitting; default this checkout's. */
const BIN = process.env.BENCH_BIN ?? join(REPO, 'bin', 'rolebridge.js');

/** wrk's p99 latency in ms (`--latency`), refusing a run with any error answer. */
async function wrkP99(url: string, script: string | undefined, duration = DURATION): Promise<{ p99: number; rate: number }> {
  const args = ['-t1', '-c64', `-d${duration}`, '--latency', ...(script ? ['-s', script] : []), url];
  const { stdout } = await execFileAsync('wrk', args, { timeout: 120_000 });
  if (/Non-2xx or 3xx responses/.test(stdout)) throw new Error(`wrk saw errors:\n${stdout}`);
  const p99 = /^\s*99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(stdout);
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (!p99 || !rate) throw new Error(`unexpected wrk output:\n${stdout}`);
  const scale = p99[2] === 'us' ? 0.001 : p99[2] === 's' ? 1000 : 1;
  return { p99: Number(p99[1]) * scale, rate: Number(rate[1]) };
}

function residentMegabytes(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function startServe(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ROLEBRIDGE_DATABASE_URL: `sqlite:${join(dir, 'rolebridge.db')}`,
    ROLEBRIDGE_DATA_DIR: dir,
    ROLEBRIDGE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    ROLEBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
  };
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const listening = /rolebridge listening on ([^\s"]+)/.exec(output);
      if (listening) resolve(listening[1] as string);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening:\n${output}`)));
  });
  return { url, child };
}

/** Runs `task` for each item, eight at a time. */
async function inParallel<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Creates tenants `t00000`… through the API, a few requests at a time. */
async function createTenants(url: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `t${String(i).padStart(5, '0')}`);
  await inParallel(ids, async (id) => {
      const response = await fetch(`${url}/api/v1/tenants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id, name: id }),
      });
      if (response.status !== 201) throw new Error(`tenant ${id}: ${response.status} ${await response.text()}`);
  });
  return ids;
}

export async function run(): Promise<BenchResult[]> {
  const built = statSync(join(BIN, '..', '..', 'dist', 'cli', 'main.js'), { throwIfNoEntry: false });
  if (!built) throw new Error('dist/ is missing: run `npm run build` first (this bench runs `rolebridge serve` from it).');
  const dir = mkdtempSync(join(tmpdir(), 'rolebridge-bench-tenants-'));
  const server = await startServe(dir);
  try {
    const seedStart = performance.now();
    const ids = await createTenants(server.url, TENANTS);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const jwksOf = (id: string) => `${server.url}/t/${id}/.well-known/jwks.json`;
    const one = jwksOf(ids[0]!);
    // wrk builds each request in Lua, picking a tenant: a random one, or always the first for the baseline, so
    // both runs pay wrk's scripting alike (a static request is cheaper for wrk, which shares the cores).
    const script = (name: string, pick: string): string => {
      const file = join(dir, `${name}.lua`);
      writeFileSync(file, `math.randomseed(os.time())\nrequest = function()\n  return wrk.format("GET", string.format("/t/t%05d/.well-known/jwks.json", ${pick}))\nend\n`);
      return file;
    };
    const randomTenant = script('random', `math.random(0, ${TENANTS - 1})`);
    const firstTenant = script('first', `math.random(0, 0)`);
    // Steady state: every tenant's documents fetched once (a verifier fleet does), then JIT and connections warm.
    const warmStart = performance.now();
    await inParallel(ids, async (id) => {
      const response = await fetch(jwksOf(id));
      if (response.status !== 200) throw new Error(`JWKS of ${id}: ${response.status}`);
      await response.arrayBuffer();
    });
    const warmSeconds = (performance.now() - warmStart) / 1000;
    await wrkP99(one, firstTenant, '2s');
    await wrkP99(one, randomTenant, '2s');
    const single = await wrkP99(one, firstTenant);
    const random = await wrkP99(one, randomTenant);
    const singleAfter = await wrkP99(one, firstTenant);
    const baseline = Math.min(single.p99, singleAfter.p99);
    const memory = residentMegabytes(server.child.pid!);
    return [
      {
        name: `JWKS p99 over random tenants of ${TENANTS.toLocaleString('en-US')}`,
        value: random.p99,
        unit: 'ms',
        baseline: { name: "one tenant's JWKS p99 (the better of before/after)", value: baseline },
        ratio: random.p99 / baseline,
        goal: 1.2,
        better: 'lower',
        note: `${Math.round(random.rate).toLocaleString('en-US')} vs ${Math.round(single.rate).toLocaleString('en-US')} req/s; wrk -t1 -c64 -d${DURATION} --latency; creating the tenants took ${seedSeconds.toFixed(0)} s, fetching each JWKS once ${warmSeconds.toFixed(0)} s`,
      },
      {
        name: `server resident memory with ${TENANTS.toLocaleString('en-US')} tenants served`,
        value: memory.rss,
        unit: 'MB',
        goal: 300,
        better: 'lower',
        note: `peak ${memory.peak.toFixed(0)} MB (VmHWM, including seeding)`,
      },
    ];
  } finally {
    await new Promise<void>((resolve) => {
      if (server.child.exitCode !== null) return resolve();
      server.child.once('exit', () => resolve());
      server.child.kill('SIGTERM');
    });
    rmSync(dir, { recursive: true, force: true });
  }
}
