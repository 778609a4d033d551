import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { stsClient } from './emulator_clients.js';

/** `rolebridge aws-emulator` as a process: prints its endpoint, serves, stops on SIGTERM. */
function runCommand(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'aws-emulator', ...args], { cwd: process.cwd() });
}

async function firstJson(child: ChildProcessWithoutNullStreams): Promise<{ endpoint: string; accounts: Array<{ accountId: string }> }> {
  let out = '';
  for await (const chunk of child.stdout) {
    out += String(chunk);
    try {
      return JSON.parse(out) as { endpoint: string; accounts: Array<{ accountId: string }> };
    } catch {
      // not complete yet
    }
  }
  throw new Error(`no JSON on stdout: ${out}`);
}

describe('rolebridge aws-emulator', () => {
  it('serves the given account and keys, and exits 0 on SIGTERM', async () => {
    const child = runCommand(['--port', '0', '--account-id', '111122223333', '--access-key-id', 'AKIATESTCOMMAND00001', '--secret-access-key', 'command-test-secret-0000000000000000000', '--json']);
    try {
      const started = await firstJson(child);
      expect(started.accounts.map((a) => a.accountId)).toEqual(['111122223333']);
      const me = await stsClient(started.endpoint, { accessKeyId: 'AKIATESTCOMMAND00001', secretAccessKey: 'command-test-secret-0000000000000000000' }).send(
        new GetCallerIdentityCommand({}),
      );
      expect(me.Arn).toBe('arn:aws:iam::111122223333:root');
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses an account id that is not 12 digits with exit 2', async () => {
    const child = runCommand(['--port', '0', '--account-id', '1234']);
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain('--account-id must be 12 digits');
  });
});
