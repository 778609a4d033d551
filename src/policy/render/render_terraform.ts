import type { RoleSetup } from './role_setup.js';
import { federatedArnOf } from './role_setup.js';

/** A bare HCL expression (a reference), written without quotes. */
class Expression {
  constructor(readonly text: string) {}
}

/**
 * Terraform: `aws_iam_openid_connect_provider`, `aws_iam_role` (trust policy via jsonencode, Federated
 * referencing the provider) and one `aws_iam_role_policy` per permission policy.
 */
export function renderTerraform(setup: RoleSetup): string {
  const role = identifier(setup.roleName);
  const providerArn = federatedArnOf(setup.trustPolicy);
  const reference = new Expression('aws_iam_openid_connect_provider.rolebridge.arn');
  const trust = replaceString(setup.trustPolicy, providerArn, reference);
  const blocks = [
    block('resource "aws_iam_openid_connect_provider" "rolebridge"', [
      ['url', hclString(setup.issuer)],
      ['client_id_list', hclValue([...setup.audiences], 1)],
    ]),
    block(`resource "aws_iam_role" ${JSON.stringify(role)}`, [
      ['name', hclString(setup.roleName)],
      ['assume_role_policy', `jsonencode(${hclValue(trust, 1)})`],
    ]),
    ...(setup.permissionPolicies ?? []).map((permission) =>
      block(`resource "aws_iam_role_policy" ${JSON.stringify(identifier(`${setup.roleName}_${permission.name}`))}`, [
        ['name', hclString(permission.name)],
        ['role', `aws_iam_role.${role}.id`],
        ['policy', `jsonencode(${hclValue(permission.policy, 1)})`],
      ]),
    ),
  ];
  return `${blocks.join('\n\n')}\n`;
}

function block(header: string, attributes: Array<[string, string]>): string {
  return `${header} {\n${alignAttributes(attributes, '  ').join('\n')}\n}`;
}

/**
 * `key = value` lines aligned as `terraform fmt` aligns them: the `=` of consecutive single-line attributes
 * line up; a multi-line value ends the group.
 */
function alignAttributes(attributes: Array<[string, string]>, pad: string): string[] {
  const lines: string[] = [];
  let group: Array<[string, string]> = [];
  const flush = () => {
    const width = Math.max(0, ...group.map(([key]) => key.length));
    for (const [key, value] of group) lines.push(`${pad}${key.padEnd(width)} = ${value}`);
    group = [];
  };
  for (const [key, value] of attributes) {
    if (value.includes('\n')) {
      flush();
      lines.push(`${pad}${key} = ${value}`);
    } else group.push([key, value]);
  }
  flush();
  return lines;
}

function identifier(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `r_${cleaned}`;
}

/** HCL strings interpolate `${` and `%{`; double them so values stay literal. */
function hclString(value: string): string {
  return JSON.stringify(value).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

function hclValue(value: unknown, depth: number): string {
  const pad = '  '.repeat(depth + 1);
  const close = '  '.repeat(depth);
  if (value instanceof Expression) return value.text;
  if (typeof value === 'string') return hclString(value);
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'string') && value.length <= 3) return `[${value.map((item) => hclString(item as string)).join(', ')}]`;
    return `[\n${value.map((item) => `${pad}${hclValue(item, depth + 1)},`).join('\n')}\n${close}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const attributes = Object.entries(value).map(([key, item]): [string, string] => [
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key),
      hclValue(item, depth + 1),
    ]);
    return `{\n${alignAttributes(attributes, pad).join('\n')}\n${close}}`;
  }
  return String(value);
}

function replaceString(value: unknown, target: string | undefined, replacement: Expression): unknown {
  if (target !== undefined && value === target) return replacement;
  if (Array.isArray(value)) return value.map((item) => replaceString(item, target, replacement));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceString(item, target, replacement)]));
  }
  return value;
}
