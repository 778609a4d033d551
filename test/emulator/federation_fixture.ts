import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import {
  AssumeRoleWithWebIdentityCommand,
  type AssumeRoleWithWebIdentityCommandInput,
  type AssumeRoleWithWebIdentityCommandOutput,
} from '@aws-sdk/client-sts';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { type TestIssuer, startTestIssuer } from '../helpers/test_issuer.js';
import { iamClient, stsClient, webIdentityTrustPolicy } from './emulator_clients.js';

export const ACCOUNT = '123456789012';
export const ROLE_NAME = 'acme-reporting';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;

/** An emulator, a test issuer registered as an OIDC provider, and a role trusting `tenant:acme:*`. */
export interface Federation {
  emulator: RunningEmulator;
  issuer: TestIssuer;
  providerArn: string;
  /** Condition-key prefix of the issuer (`127.0.0.1:<port>/t/acme`). */
  prefix: string;
  exchange(token: string, input?: Partial<AssumeRoleWithWebIdentityCommandInput>): Promise<AssumeRoleWithWebIdentityCommandOutput>;
  close(): Promise<void>;
}

export async function startFederation(options: EmulatorOptions = {}, trustExtraActions: string[] = []): Promise<Federation> {
  const emulator = await startEmulator({ port: 0, ...options });
  const issuer = await startTestIssuer();
  const iam = iamClient(emulator.url);
  const created = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.issuer, ClientIDList: ['sts.amazonaws.com'] }));
  const providerArn = created.OpenIDConnectProviderArn!;
  const prefix = issuer.issuer.replace('http://', '');
  await iam.send(
    new CreateRoleCommand({
      RoleName: ROLE_NAME,
      AssumeRolePolicyDocument: webIdentityTrustPolicy(providerArn, prefix, 'tenant:acme:*', trustExtraActions),
      MaxSessionDuration: 7200,
    }),
  );
  const sts = stsClient(emulator.url);
  return {
    emulator,
    issuer,
    providerArn,
    prefix,
    exchange: (token, input = {}) =>
      sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'workload-1', WebIdentityToken: token, ...input })),
    close: async () => {
      await emulator.close();
      await issuer.close();
    },
  };
}
