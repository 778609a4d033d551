import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { AWS_CLI, runAwsCli } from './emulator_clients.js';

/**
 * The AWS CLI driving the IAM operations infrastructure code calls on an OIDC role (what Terraform's
 * aws_iam_role reads and writes): tags, UpdateRole, UpdateRoleDescription, managed policy attachment,
 * instance profiles for the role, OIDC provider tags, and the CLI's own paging over Marker.
 */
const ACCOUNT = '123456789012';
const PROVIDER_URL = 'https://token.actions.example.com';
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.example.com`;
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: PROVIDER_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'token.actions.example.com:aud': 'sts.amazonaws.com' } },
    },
  ],
});
// The CLI is slow to start on a loaded machine; these tests run several CLI processes each.
const CLI_TIMEOUT = 180_000;

let emulator: RunningEmulator;

async function aws(...args: string[]): Promise<unknown> {
  const result = await runAwsCli(emulator.url, args);
  expect(result.stderr, args.join(' ')).toBe('');
  expect(result.code).toBe(0);
  return result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout);
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  await aws('iam', 'create-open-id-connect-provider', '--url', PROVIDER_URL, '--client-id-list', 'sts.amazonaws.com', '--thumbprint-list', 'a'.repeat(40));
  await aws('iam', 'create-role', '--role-name', 'deploy', '--assume-role-policy-document', TRUST);
});
afterAll(async () => {
  await emulator.close();
});

describe(`AWS CLI IAM operations (${AWS_CLI})`, () => {
  it(
    'tags, UpdateRole, UpdateRoleDescription, attached policies and instance profiles of an OIDC role',
    async () => {
      await aws('iam', 'tag-role', '--role-name', 'deploy', '--tags', 'Key=team,Value=platform', 'Key=env,Value=prod');
      await aws('iam', 'untag-role', '--role-name', 'deploy', '--tag-keys', 'env');
      expect(await aws('iam', 'list-role-tags', '--role-name', 'deploy')).toEqual({ Tags: [{ Key: 'team', Value: 'platform' }], IsTruncated: false });

      await aws('iam', 'update-role', '--role-name', 'deploy', '--max-session-duration', '7200');
      const described = (await aws('iam', 'update-role-description', '--role-name', 'deploy', '--description', 'CI deploys')) as {
        Role: Record<string, unknown>;
      };
      expect(described.Role).toMatchObject({ RoleName: 'deploy', Description: 'CI deploys' });
      const role = (await aws('iam', 'get-role', '--role-name', 'deploy')) as { Role: Record<string, unknown> };
      expect(role.Role).toMatchObject({ MaxSessionDuration: 7200, Description: 'CI deploys', RoleLastUsed: {}, Tags: [{ Key: 'team', Value: 'platform' }] });

      await aws('iam', 'attach-role-policy', '--role-name', 'deploy', '--policy-arn', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
      // The CLI pages these itself and drops IsTruncated from what it prints.
      expect(await aws('iam', 'list-attached-role-policies', '--role-name', 'deploy')).toEqual({
        AttachedPolicies: [{ PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }],
      });
      expect(await aws('iam', 'list-instance-profiles-for-role', '--role-name', 'deploy')).toEqual({ InstanceProfiles: [] });

      const refused = await runAwsCli(emulator.url, ['iam', 'delete-role', '--role-name', 'deploy']);
      expect(refused.stderr.trim()).toBe(
        'An error occurred (DeleteConflict) when calling the DeleteRole operation: Cannot delete entity, must detach all policies first.',
      );
    },
    CLI_TIMEOUT,
  );

  it(
    'OIDC provider tags, and the CLI paging through ListRoles with Marker',
    async () => {
      await aws('iam', 'tag-open-id-connect-provider', '--open-id-connect-provider-arn', PROVIDER_ARN, '--tags', 'Key=owner,Value=platform');
      expect(await aws('iam', 'list-open-id-connect-provider-tags', '--open-id-connect-provider-arn', PROVIDER_ARN)).toEqual({
        Tags: [{ Key: 'owner', Value: 'platform' }],
        IsTruncated: false,
      });
      await aws('iam', 'untag-open-id-connect-provider', '--open-id-connect-provider-arn', PROVIDER_ARN, '--tag-keys', 'owner');

      for (const name of ['page-a', 'page-b', 'page-c']) {
        await aws('iam', 'create-role', '--role-name', name, '--path', '/paged/', '--assume-role-policy-document', TRUST);
      }
      // --page-size makes the CLI ask for one role per call and follow IsTruncated/Marker to the end.
      const all = (await aws('iam', 'list-roles', '--path-prefix', '/paged/', '--page-size', '1')) as { Roles: Array<{ RoleName: string }> };
      expect(all.Roles.map((r) => r.RoleName)).toEqual(['page-a', 'page-b', 'page-c']);
      const first = (await aws('iam', 'list-roles', '--path-prefix', '/paged/', '--max-items', '2')) as { Roles: unknown[]; NextToken?: string };
      expect(first.Roles).toHaveLength(2);
      expect(first.NextToken).toEqual(expect.any(String));
    },
    CLI_TIMEOUT,
  );
});
