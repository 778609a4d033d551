import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'rolebridge-dev-'));

function startDev(): { child: ChildProcessWithoutNullStreams; banner: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'dev', '--port', '0', '--emulator-port', '0'], {
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
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops')) resolve(output);
    });
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`rolebridge dev exited with ${code}: ${errors}${output}`)));
  });
  return { child, banner };
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
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints a copy-paste command that fetches AWS credentials end to end, and the same secrets on the next start', async () => {
    const first = startDev();
    const banner = await first.banner;
    try {
      expect(banner).toMatch(/server\s+http:\/\/127\.0\.0\.1:\d+/);
      expect(banner).toMatch(/admin token\s+rb_admin_dev_/);
      expect(banner).toContain('connection    demo → arn:aws:iam::123456789012:role/rolebridge-demo');

      // The AWS CLI, fed credentials by rolebridge's container-credentials endpoint, calls STS in the emulator.
      const command = line(banner, 'env -u AWS_ACCESS_KEY_ID');
      const { stdout } = await promisify(execFile)('bash', ['-c', command], {
        env: { PATH: process.env.PATH ?? '', HOME: dataDir, AWS_EC2_METADATA_DISABLED: 'true' },
      });
      const identity = JSON.parse(stdout) as { Arn: string; Account: string };
      expect(identity.Account).toBe('123456789012');
      expect(identity.Arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/rolebridge-demo\/rb-/);

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
        env: { PATH: process.env.PATH ?? '', HOME: dataDir, AWS_EC2_METADATA_DISABLED: 'true' },
      });
      expect((JSON.parse(stdout) as { Arn: string }).Arn).toContain('assumed-role/rolebridge-demo/');
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  }, 120_000);
});
