import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'rolebridge-dev-'));

/** A user's HOME with a default profile in ~/.aws: its keys must not leak into the demo's copy-paste command. */
const userHome = mkdtempSync(join(tmpdir(), 'rolebridge-dev-home-'));
mkdirSync(join(userHome, '.aws'));
writeFileSync(join(userHome, '.aws', 'credentials'), '[default]\naws_access_key_id = AKIAUSERSOWNKEY00000\naws_secret_access_key = usersOwnSecretKeyThatTheEmulatorDoesNotKnow\n');
writeFileSync(join(userHome, '.aws', 'config'), '[default]\nregion = eu-central-1\noutput = text\n');

function startDev(args: string[] = ['--emulator-port', '0']): { child: ChildProcessWithoutNullStreams; banner: Promise<string>; stderr: () => string } {
  let errors = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'dev', '--port', '0', ...args], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      ROLEBRIDGE_DATA_DIR: dataDir,
      ROLEBRIDGE_DATABASE_URL: `sqlite:${join(dataDir, 'rolebridge.db')}`,
      ROLEBRIDGE_ADMIN_TOKEN: '',
      ROLEBRIDGE_MASTER_KEY: '',
      AWS_ENDPOINT_URL: '',
      AWS_ENDPOINT_URL_STS: '',
      AWS_ENDPOINT_URL_IAM: '',
      NO_COLOR: '1',
    },
  });
  const banner = new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops')) resolve(output);
    });
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`rolebridge dev exited with ${code}: ${errors}${output}`)));
  });
  return { child, banner, stderr: () => errors };
}

async function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

function line(banner: string, label: string): string {
  const found = banner.split('\n').find((candidate) => candidate.trimStart().startsWith(label));
  if (!found) throw new Error(`no '${label}' line in:\n${banner}`);
  return found.trim();
}

describe('rolebridge dev', () => {
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(userHome, { recursive: true, force: true });
  });

  it('prints a copy-paste command that fetches AWS credentials end to end, and the same secrets on the next start', async () => {
    const first = startDev();
    const banner = await first.banner;
    try {
      // People read the banner: plain text from its first line, no JSON log line in it (logs go to stderr).
      expect(banner.startsWith('rolebridge dev is running')).toBe(true);
      expect(banner).not.toContain('{"level"');
      expect(banner).toMatch(/server\s+http:\/\/127\.0\.0\.1:\d+/);
      expect(banner).toMatch(/admin token\s+rb_admin_dev_/);
      expect(banner).toContain('connection    demo → arn:aws:iam::123456789012:role/rolebridge-demo');

      // The AWS CLI, fed credentials by rolebridge's container-credentials endpoint, calls STS in the emulator.
      const command = line(banner, 'env -u AWS_ACCESS_KEY_ID');
      const { stdout } = await promisify(execFile)('bash', ['-c', command], {
        env: { PATH: process.env.PATH ?? '', HOME: userHome, AWS_EC2_METADATA_DISABLED: 'true' },
      });
      const identity = JSON.parse(stdout) as { Arn: string; Account: string };
      expect(identity.Account).toBe('123456789012');
      expect(identity.Arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/rolebridge-demo\/rb-/);

      // The demo's first doctor run is clean: the seeded role admits the demo workload and none of its siblings.
      const serverUrl = /server\s+(http:\/\/\S+)/.exec(banner)![1]!;
      const adminToken = /^\s*admin token\s+(\S+)/m.exec(banner)![1]!;
      const test = await fetch(`${serverUrl}/api/v1/tenants/acme/connections/demo/test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: '{}',
      });
      const result = (await test.json()) as Record<string, unknown>;
      expect(result.ok, JSON.stringify(result)).toBe(true);
      expect(JSON.stringify(result)).not.toContain('trust_too_broad');

      // The curl line's request, made with fetch.
      const curl = line(banner, 'curl -s');
      const url = /(http:\/\/\S+\/api\/v1\/token)$/.exec(curl)![1]!;
      const secret = /Bearer ([^']+)'/.exec(curl)![1]!;
      const token = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: '{}' });
      expect(token.status).toBe(200);
      expect(((await token.json()) as { token: string }).token.split('.')).toHaveLength(3);
    } finally {
      expect(await stop(first.child)).toBe(0);
    }

    const second = startDev();
    const again = await second.banner;
    try {
      expect(line(again, 'secret')).toBe(line(banner, 'secret'));
      expect(line(again, 'admin token')).toBe(line(banner, 'admin token'));
      const command = line(again, 'env -u AWS_ACCESS_KEY_ID');
      const { stdout } = await promisify(execFile)('bash', ['-c', command], {
        env: { PATH: process.env.PATH ?? '', HOME: userHome, AWS_EC2_METADATA_DISABLED: 'true' },
      });
      expect((JSON.parse(stdout) as { Arn: string }).Arn).toContain('assumed-role/rolebridge-demo/');
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  }, 600_000);

  it('exits at once with exit 2 naming the port and the flag when the server port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'dev', '--port', String(port), '--emulator-port', '0'], {
        env: { ...process.env, ROLEBRIDGE_DATA_DIR: dataDir, ROLEBRIDGE_DATABASE_URL: `sqlite:${join(dataDir, 'rolebridge.db')}`, ROLEBRIDGE_ADMIN_TOKEN: '', NO_COLOR: '1' },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`Port ${port} is already in use`);
      expect(result.stderr).toContain('--port or PORT');
    } finally {
      blocker.close();
    }
  }, 600_000);

  it("picks a free emulator port when the default one is taken, and says so", async () => {
    // Taken by this test, or already by something else on the machine: either way it is busy.
    const blocker = createServer();
    await new Promise<void>((resolve) => {
      blocker.once('error', () => resolve());
      blocker.listen(8566, '127.0.0.1', resolve);
    });
    const dev = startDev([]);
    try {
      const banner = await dev.banner;
      expect(banner).toMatch(/Port 8566 is taken, so the AWS emulator listens on http:\/\/127\.0\.0\.1:\d+ instead/);
      expect(banner).not.toMatch(/aws emulator\s+http:\/\/127\.0\.0\.1:8566\s/);
    } finally {
      expect(await stop(dev.child)).toBe(0);
      blocker.close();
    }
  }, 600_000);
});
