import { AwsError } from '../aws_error.js';
import type { ActionContext } from '../emulator_service.js';
import { validationException } from './kms_errors.js';
import { aliasArn, member, requiredMember, resolveKey } from './kms_keys.js';
import { kmsStateOf } from './kms_state.js';

const ALIAS_PATTERN = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

export function createAlias(context: ActionContext): Record<string, unknown> {
  const aliasName = requiredMember(context, 'AliasName');
  if (!ALIAS_PATTERN.test(aliasName)) {
    throw validationException(
      `1 validation error detected: Value '${aliasName}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$`,
    );
  }
  if (aliasName.startsWith('alias/aws/')) throw new AwsError('NotAuthorizedException', 400, '');
  const key = resolveKey(context, requiredMember(context, 'TargetKeyId'));
  const account = key.accountId;
  const arn = aliasArn(context.region, account, aliasName);
  context.authorize('kms:CreateAlias', arn);
  context.authorize('kms:CreateAlias', key.arn);
  const kms = kmsStateOf(context.state);
  const id = `${account}/${context.region}/${aliasName}`;
  if (kms.aliases[id] !== undefined) throw new AwsError('AlreadyExistsException', 400, `An alias with the name ${arn} already exists`);
  kms.aliases[id] = { aliasName, aliasArn: arn, targetKeyId: key.keyId, accountId: account, region: context.region, creationDate: Math.floor(context.now / 1000) };
  context.markChanged();
  return {};
}

export function listAliases(context: ActionContext): Record<string, unknown> {
  context.authorize('kms:ListAliases', '*');
  const account = context.caller?.accountId;
  const keyId = member(context, 'KeyId');
  const target = keyId === undefined ? undefined : resolveKey(context, keyId).keyId;
  const aliases = Object.values(kmsStateOf(context.state).aliases).filter(
    (a) => a.accountId === account && a.region === context.region && (target === undefined || a.targetKeyId === target),
  );
  return {
    Aliases: aliases.map((a) => ({
      AliasName: a.aliasName,
      AliasArn: a.aliasArn,
      TargetKeyId: a.targetKeyId,
      CreationDate: a.creationDate,
      LastUpdatedDate: a.creationDate,
    })),
    Truncated: false,
  };
}

export function deleteAlias(context: ActionContext): Record<string, unknown> {
  const aliasName = requiredMember(context, 'AliasName');
  const account = context.caller?.accountId ?? '';
  const arn = aliasArn(context.region, account, aliasName);
  context.authorize('kms:DeleteAlias', arn);
  const kms = kmsStateOf(context.state);
  const id = `${account}/${context.region}/${aliasName}`;
  if (kms.aliases[id] === undefined) throw new AwsError('NotFoundException', 400, `Alias ${arn} is not found.`);
  delete kms.aliases[id];
  context.markChanged();
  return {};
}
