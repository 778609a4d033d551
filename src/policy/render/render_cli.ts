import { parseArn } from '../arn.js';
import type { RoleSetup } from './role_setup.js';
import { federatedArnOf } from './role_setup.js';

/**
 * AWS CLI commands (bash): look up the account, create the OIDC provider, write the trust policy with the
 * account id filled in, create the role, attach each permission policy inline.
 */
export function renderCli(setup: RoleSetup): string {
  const providerArn = federatedArnOf(setup.trustPolicy);
  const account = providerArn === undefined ? undefined : parseArn(providerArn)?.accountId;
  // The trust policy names the provider in the caller's account: substitute the looked-up account id.
  let trust = JSON.stringify(setup.trustPolicy, null, 2);
  trust = escapeHeredoc(trust);
  if (account) trust = trust.split(`:iam::${account}:oidc-provider/`).join(':iam::${ACCOUNT_ID}:oidc-provider/');
  const lines = [
    '#!/usr/bin/env bash',
    'set -euo pipefail',
    'ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)',
    '',
    `aws iam create-open-id-connect-provider --url ${shellQuote(setup.issuer)} ${setup.audiences.map((audience) => `--client-id-list ${shellQuote(audience)}`).join(' ')}`,
    '',
    "cat > trust-policy.json <<EOF",
    trust,
    'EOF',
    `aws iam create-role --role-name ${shellQuote(setup.roleName)} --assume-role-policy-document file://trust-policy.json`,
  ];
  for (const permission of setup.permissionPolicies ?? []) {
    const file = `${permission.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;
    lines.push(
      '',
      `cat > ${file} <<'EOF'`,
      JSON.stringify(permission.policy, null, 2),
      'EOF',
      `aws iam put-role-policy --role-name ${shellQuote(setup.roleName)} --policy-name ${shellQuote(permission.name)} --policy-document file://${file}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@=,+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** An unquoted heredoc expands `$`, backticks and backslashes: escape them so only ${ACCOUNT_ID} expands. */
function escapeHeredoc(text: string): string {
  return text.replace(/[\\$`]/g, (char) => `\\${char}`);
}
