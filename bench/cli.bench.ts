/**
 * The CLI's start-up against node's own, measured in the same run (the built CLI, bin/rolebridge.js → dist/):
 * - `rolebridge credential-process` wall time (against a running `dev`, credentials cached) ÷ `node -e 0` (goal ≤ 3);
 * - `rolebridge --version` wall time ÷ `node -e 0` (goal ≤ 3);
 * - `npm start` on a fresh data directory → the AWS CLI command it prints returns credentials, in seconds from
 *   the spawn to the command's success (goal ≤ 2 s); the AWS CLI's own start (`aws --version`) is in the note.
 * Wall times are medians of runs interleaved with their baseline's, so a load change hits both alike.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './bench_result.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'rolebridge.js');
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 9);

/** Seconds from spawn to a zero exit of `command args` (throws on any other exit). */
function wallSeconds(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve((performance.now() - start) / 1000);
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Medians of `measure` and of `node -e 0`, run alternately. */
async function againstNode(measure: () => Promise<number>): Promise<{ value: number; node: number }> {
  await measure(); // warm the file cache
  const values: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    values.push(await measure());
    node.push(await wallSeconds(process.execPath, ['-e', '0']));
  }
  return { value: median(values), node: median(node) };
}

/** The newest modification time of any file under `dir` (ms). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

interface DevBanner {
  server: string;
  secret: string;
  awsCommand: string;
}

/** Reads `dev`'s banner from its stdout until the AWS CLI command line has been printed. */
function readBanner(child: ChildProcess): Promise<DevBanner> {
  return new Promise((resolve, reject) => {
    let text = '';
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const awsCommand = /^\s*(env -u .* aws sts get-caller-identity .*)$/m.exec(text)?.[1];
      const server = /^\s*server\s+(http:\/\/\S+)/m.exec(text)?.[1];
      const secret = /^\s*secret\s+(\S+)/m.exec(text)?.[1];
      if (awsCommand && server && secret) resolve({ server, secret, awsCommand });
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before printing its banner:\n${text}\n${errors}`)));
  });
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(-child.pid!, 'SIGTERM'); // npm, its shell and rolebridge dev
  });
}

export async function run(): Promise<BenchResult[]> {
  const built = statSync(join(REPO, 'dist', 'cli', 'main.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (newest(join(REPO, 'src')) > built) {
    throw new Error('dist/ is missing or older than src/: run `npm run build` first (the CLI bench measures the built CLI).');
  }
  const dir = mkdtempSync(join(tmpdir(), 'rolebridge-bench-cli-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ROLEBRIDGE_DATABASE_URL: `sqlite:${join(dir, 'rolebridge.db')}`, ROLEBRIDGE_DATA_DIR: dir };
  for (const name of ['ROLEBRIDGE_SERVER', 'ROLEBRIDGE_ADMIN_TOKEN', 'ROLEBRIDGE_MASTER_KEY', 'ROLEBRIDGE_LOG_LEVEL']) delete env[name];
  const awsStart = await wallSeconds('aws', ['--version']).catch(() => Number.NaN);
  const start = performance.now();
  const dev = spawn('npm', ['start', '--silent', '--', '--port', '0', '--emulator-port', '0'], { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const banner = await readBanner(dev);
    const bannerSeconds = (performance.now() - start) / 1000;
    await new Promise<void>((resolve, reject) => {
      execFile('sh', ['-c', banner.awsCommand], { env, timeout: 60_000 }, (error, stdout, stderr) => {
        if (error || !stdout.includes('"Arn"')) reject(new Error(`the printed command failed: ${stderr || stdout}`));
        else resolve();
      });
    });
    const startToCredentials = (performance.now() - start) / 1000;

    const workloadEnv = { ...env, ROLEBRIDGE_WORKLOAD_SECRET: banner.secret };
    const credentialProcess = await againstNode(() => wallSeconds(process.execPath, [BIN, 'credential-process', '--connection', 'demo', '--server', banner.server], workloadEnv));
    const version = await againstNode(() => wallSeconds(process.execPath, [BIN, '--version']));
    const node = (figure: { node: number }) => ({ name: 'node -e 0 (median, interleaved)', value: figure.node });
    return [
      {
        name: 'rolebridge credential-process wall time',
        value: credentialProcess.value,
        unit: 's',
        baseline: node(credentialProcess),
        ratio: credentialProcess.value / credentialProcess.node,
        goal: 3,
        better: 'lower',
        note: `median of ${RUNS}, against npm start's demo connection (credentials cached by the server)`,
      },
      {
        name: 'rolebridge --version wall time',
        value: version.value,
        unit: 's',
        baseline: node(version),
        ratio: version.value / version.node,
        goal: 3,
        better: 'lower',
        note: `median of ${RUNS}`,
      },
      {
        name: 'npm start → the printed command returns credentials',
        value: startToCredentials,
        unit: 's',
        goal: 2,
        better: 'lower',
        note: `fresh data directory; banner after ${bannerSeconds.toFixed(2)} s; the AWS CLI alone starts in ${awsStart.toFixed(2)} s (aws --version)`,
      },
    ];
  } finally {
    await stopGroup(dev);
    rmSync(dir, { recursive: true, force: true });
  }
}
