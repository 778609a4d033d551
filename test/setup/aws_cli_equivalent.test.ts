import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSetupWorld, type SetupWorld } from './setup_world.js';

/** Debian's awscli (CI installs it at /usr/bin/aws); falls back to `aws` on PATH. */
const AWS_CLI = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

interface PlanJson {
  changes: Array<{ action: string; status: string; cliCommand: string }>;
}

/**
 * The plan's "equivalent AWS CLI command" is a promise to the user: pasted into a shell, the real AWS CLI
 * makes the same change. Here the printed commands run through bash and the AWS CLI against the emulator,
 * and set-up then finds nothing left to do.
 */
describe('the AWS CLI commands set-up prints', () => {
  let world: SetupWorld;
  beforeAll(async () => {
    world = await startSetupWorld();
  });
  afterAll(async () => world.close());

  it('set the account up exactly as set-up would when pasted into a shell', async () => {
    const args = ['--tenant', 'acme', '--token-config', 'aws', '--role-name', 'acme-etl@prod', '--deployment', 'prod', '--permissions', 's3-export', '--param', 'bucket=acme-exports', '--json'];
    const dry = await world.runSetup([...args, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    const planned = (JSON.parse(dry.stdout) as PlanJson).changes.filter((change) => change.status === 'planned');
    expect(planned.map((change) => change.action)).toEqual(['CreateOpenIDConnectProvider', 'CreateRole', 'PutRolePolicy']);

    const env = { ...world.env(), AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
    for (const change of planned) {
      const shellLine = change.cliCommand.replace(/^aws /, `${AWS_CLI} --endpoint-url ${world.emulator.url} `);
      await promisify(execFile)('bash', ['-c', shellLine], { env }).catch((error: { stderr?: string }) => {
        throw new Error(`${change.cliCommand}\n${error.stderr ?? String(error)}`);
      });
    }

    const after = await world.runSetup([...args, '--dry-run']);
    expect(after.code, after.stderr).toBe(0);
    expect((JSON.parse(after.stdout) as PlanJson).changes.map((change) => change.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });
});
