import type { SetupCallInput } from './setup_change.js';

/** The AWS CLI command equivalent to one set-up call, ready to paste into a POSIX shell. */
export function awsCliCommand(call: SetupCallInput): string {
  switch (call.operation) {
    case 'CreateOpenIDConnectProvider':
      return command('create-open-id-connect-provider', [
        '--url',
        call.input.Url,
        '--client-id-list',
        ...call.input.ClientIDList,
        ...(call.input.ThumbprintList === undefined ? [] : ['--thumbprint-list', ...call.input.ThumbprintList]),
      ]);
    case 'AddClientIDToOpenIDConnectProvider':
      return command('add-client-id-to-open-id-connect-provider', [
        '--open-id-connect-provider-arn',
        call.input.OpenIDConnectProviderArn,
        '--client-id',
        call.input.ClientID,
      ]);
    case 'CreateRole':
      return command('create-role', [
        '--role-name',
        call.input.RoleName,
        ...(call.input.Description === undefined ? [] : ['--description', call.input.Description]),
        '--assume-role-policy-document',
        call.input.AssumeRolePolicyDocument,
      ]);
    case 'UpdateAssumeRolePolicy':
      return command('update-assume-role-policy', ['--role-name', call.input.RoleName, '--policy-document', call.input.PolicyDocument]);
    case 'PutRolePolicy':
      return command('put-role-policy', [
        '--role-name',
        call.input.RoleName,
        '--policy-name',
        call.input.PolicyName,
        '--policy-document',
        call.input.PolicyDocument,
      ]);
    case 'AttachRolePolicy':
      return command('attach-role-policy', ['--role-name', call.input.RoleName, '--policy-arn', call.input.PolicyArn]);
  }
}

function command(subcommand: string, args: readonly string[]): string {
  return ['aws', 'iam', subcommand, ...args.map(shellQuote)].join(' ');
}

/** Single-quotes anything a shell could reinterpret; `'` itself becomes `'\''`. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
