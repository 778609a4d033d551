import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  EntityAlreadyExistsException,
  IAMClient,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { oidcProviderArn, trustPolicyFor } from '../../policy/index.js';

export interface DemoRoleInput {
  /** The IAM endpoint (the local emulator in `rolebridge dev`). */
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  accountId: string;
  issuer: string;
  audience: string;
  /** The `sub` value or pattern the role trusts. */
  subject: string;
  roleName: string;
}

/**
 * What an AWS customer would do for the demo: register the issuer as an IAM OIDC provider and create a role
 * trusting one scope of it, with a small read-only permission policy. Idempotent (a state file may keep them).
 */
export async function provisionDemoRole(input: DemoRoleInput): Promise<{ roleArn: string; providerArn: string }> {
  const iam = new IAMClient({ region: 'us-east-1', endpoint: input.endpoint, credentials: input.credentials, maxAttempts: 2 });
  try {
    try {
      await iam.send(new CreateOpenIDConnectProviderCommand({ Url: input.issuer, ClientIDList: [input.audience] }));
    } catch (error) {
      if (!(error instanceof EntityAlreadyExistsException)) throw error;
    }
    const trust = JSON.stringify(trustPolicyFor({ issuer: input.issuer, audience: input.audience, subject: input.subject, accountId: input.accountId }));
    try {
      await iam.send(
        new CreateRoleCommand({ RoleName: input.roleName, AssumeRolePolicyDocument: trust, Description: 'rolebridge dev demo role' }),
      );
    } catch (error) {
      if (!(error instanceof EntityAlreadyExistsException)) throw error;
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: input.roleName, PolicyDocument: trust }));
    }
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: input.roleName,
        PolicyName: 'demo-read-only',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'DemoReadOnly', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' }],
        }),
      }),
    );
    return { roleArn: `arn:aws:iam::${input.accountId}:role/${input.roleName}`, providerArn: oidcProviderArn(input.accountId, input.issuer) };
  } finally {
    iam.destroy();
  }
}
