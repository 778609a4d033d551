import type { ActionContext } from '../emulator_service.js';
import type { AccountRecord } from '../emulator_state.js';

/** IAM acts on the signing caller's own account. */
export function accountOf(context: ActionContext): AccountRecord {
  const accountId = context.caller?.accountId ?? '';
  const account = context.state.accounts[accountId];
  if (account === undefined) throw new Error(`no account ${accountId} for a signed caller`);
  return account;
}

/** Reads `Tags.member.N.Key/Value`. */
export function tagsParam(context: ActionContext): Array<{ Key: string; Value: string }> {
  return context.params
    .structures('Tags', ['Key', 'Value'])
    .map((tag) => ({ Key: tag.Key ?? '', Value: tag.Value ?? '' }));
}
