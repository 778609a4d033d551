import { ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT } from '../../src/emulator/index.js';
import { startSetupWorld, type SetupWorld } from './setup_world.js';

interface SetupJson {
  changes: Array<{ action: string; target: string; status: string; cliCommand: string }>;
  connection: { name: string; roleArn: string; verified?: boolean } | null;
  test: { ok: boolean } | null;
}

const ACCOUNT = DEFAULT_ACCOUNT.accountId;
const READER_ARGS = ['--tenant', 'acme', '--token-config', 'aws', '--role-name', 'acme-reader', '--deployment', 'prod', '--component', 'etl'];
const S3_READ_ONLY = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
const EC2_READ_ONLY = 'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess';
// Each CLI run is a fresh `node --import tsx` process: minutes on a loaded machine, so a generous bound.
const CLI_RUNS_TIMEOUT = 900_000;

/**
 * `setup aws --managed-policy`: the guided set-up attaches AWS managed policies ("start read-only",
 * seed 003) end to end against the emulator, with a real server binding and testing the connection.
 */
describe('rolebridge setup aws --managed-policy', () => {
  let world: SetupWorld;
  beforeAll(async () => {
    world = await startSetupWorld();
  });
  afterAll(async () => world.close());

  it('plans, attaches AmazonS3ReadOnlyAccess and AmazonEC2ReadOnlyAccess, binds and tests; a rerun changes nothing', async () => {
    const dry = await world.runSetup([...READER_ARGS, '--managed-policy', 'AmazonS3ReadOnlyAccess', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`3. [planned] Attach the managed policy ${S3_READ_ONLY} to acme-reader`);
    expect(dry.stdout).toContain(`CLI: aws iam attach-role-policy --role-name acme-reader --policy-arn ${S3_READ_ONLY}`);
    const code = await world.runSetup([...READER_ARGS, '--managed-policy', 'AmazonS3ReadOnlyAccess', '--output', 'terraform']);
    expect(code.code, code.stderr).toBe(0);
    expect(code.stderr).toContain(`Not in the generated code, attach it yourself: aws iam attach-role-policy --role-name acme-reader --policy-arn ${S3_READ_ONLY}`);

    const run = await world.runSetup([...READER_ARGS, '--managed-policy', 'AmazonS3ReadOnlyAccess,AmazonEC2ReadOnlyAccess', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as SetupJson;
    expect(result.changes.map((change) => [change.action, change.status])).toEqual([
      ['CreateOpenIDConnectProvider', 'applied'],
      ['CreateRole', 'applied'],
      ['AttachRolePolicy', 'applied'],
      ['AttachRolePolicy', 'applied'],
    ]);
    expect(result.connection).toMatchObject({ name: 'acme-reader', roleArn: `arn:aws:iam::${ACCOUNT}:role/acme-reader`, verified: true });
    expect(result.test?.ok, JSON.stringify(result.test)).toBe(true);
    const attached = await world.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'acme-reader' }));
    expect(attached.AttachedPolicies).toEqual([
      { PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: S3_READ_ONLY },
      { PolicyName: 'AmazonEC2ReadOnlyAccess', PolicyArn: EC2_READ_ONLY },
    ]);

    const again = await world.runSetup([...READER_ARGS, '--managed-policy', 'AmazonS3ReadOnlyAccess', '--managed-policy', EC2_READ_ONLY, '--yes', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as SetupJson).changes.map((change) => change.status)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
  }, CLI_RUNS_TIMEOUT);

  it('an unknown managed policy is bad input (exit 2) before any change; a malformed name is refused before anything runs', async () => {
    const unknown = await world.runSetup([...READER_ARGS, '--role-name', 'acme-other', '--managed-policy', 'AmazonS3ReadOnIyAccess', '--yes']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnIyAccess in this account or among AWS\'s.');
    const malformed = await world.runSetup([...READER_ARGS, '--managed-policy', 'Amazon S3', '--yes']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('Amazon S3 is not an AWS managed policy name');
  }, CLI_RUNS_TIMEOUT);
});
