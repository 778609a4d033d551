import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
const RECORDER = join(import.meta.dirname, 'module_graph', 'record_modules.mjs');
const dir = mkdtempSync(join(tmpdir(), 'rolebridge-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI from source as a process and answers every module it resolved (package names and src/ files). */
async function run(name: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; modules: string[] }> {
  const log = join(dir, `${name}.log`);
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', RECORDER, join(REPO, 'src/cli/main.ts'), ...args], {
    cwd: REPO,
    env: { ...process.env, ROLEBRIDGE_MODULE_LOG: log, ROLEBRIDGE_SERVER: '', ROLEBRIDGE_WORKLOAD_SECRET: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const modules = urls.map((url) => {
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (pkg) return pkg[1]!;
    return url.startsWith('file://') ? url.slice(`file://${REPO}/`.length) : url;
  });
  return { code, stdout, modules: [...new Set(modules)] };
}

const HEAVY = ['fastify', 'better-sqlite3', 'pg', 'kysely', 'prom-client', 'pino', '@aws-sdk/client-sts', '@aws-sdk/client-iam'];

describe('the CLI loads a command only when it runs', () => {
  it('credential-process loads neither fastify, SQLite, the store nor any AWS SDK client', async () => {
    const { code, modules } = await run('credential-process', ['credential-process', '--connection', 'warehouse']);
    expect(code).toBe(2); // no server and no secret given: a usage error, after loading exactly what the command needs
    expect(modules).toContain('src/cli/commands/workload.ts');
    expect(modules.filter((module) => HEAVY.includes(module) || /^src\/(server|store|runtime|issuer|broker|doctor)\//.test(module))).toEqual([]);
    expect(modules.filter((module) => module.startsWith('src/cli/commands/') && module !== 'src/cli/commands/workload.ts' && module !== 'src/cli/commands/index.ts')).toEqual([]);
  }, 120_000);

  it('--version loads no command and prints rolebridge\'s own version', async () => {
    const { code, stdout, modules } = await run('version', ['--version']);
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(manifest.version);
    expect(modules.filter((module) => module.startsWith('src/cli/commands/') && module !== 'src/cli/commands/index.ts')).toEqual([]);
    expect(modules.filter((module) => HEAVY.includes(module))).toEqual([]);
  }, 120_000);

  it('the server command does load the server (the recorder sees what a command pulls in)', async () => {
    const { code, modules } = await run('serve', ['serve', '--help']);
    expect(code).toBe(0);
    expect(modules).toEqual(expect.arrayContaining(['fastify', 'better-sqlite3', 'src/runtime/index.ts']));
  }, 120_000);
});
