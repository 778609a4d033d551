import {
  AddClientIDToOpenIDConnectProviderCommand,
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { awsErrorCode, awsErrorMessage, isAccessDenied } from '../aws/index.js';
import { deniedNeed } from './denied_need.js';
import type { SetupCallInput, SetupChange } from './setup_change.js';
import { AwsSetupCallError, MissingAwsPermissionsError } from './setup_errors.js';

/** Decides one change (`step` counts from 1 over the whole plan); the CLI asks the user, `--yes` approves all. */
export type ApproveChange = (change: SetupChange, step: number) => Promise<boolean>;

export interface ApplyOutcome {
  /** Every change with its final status: applied, unchanged, or skipped (refused or not reached). */
  changes: SetupChange[];
  /** The change the user refused, when one was. */
  refused?: SetupChange;
}

/**
 * Makes the planned changes in order, each after its approval. A refusal stops there: that change and
 * every later one are `skipped` (a later step may depend on the refused one). A failed call throws after
 * nothing else is attempted; what was applied stays applied, and a rerun plans only what is left.
 */
export async function applySetup(
  iam: IAMClient,
  changes: readonly SetupChange[],
  approve: ApproveChange,
  onApplied: (change: SetupChange) => void = () => undefined,
): Promise<ApplyOutcome> {
  const result: SetupChange[] = changes.map((change) => ({ ...change }));
  for (const [index, change] of result.entries()) {
    if (change.status !== 'planned') continue;
    if (!(await approve(change, index + 1))) {
      for (const later of result.slice(index)) if (later.status === 'planned') later.status = 'skipped';
      return { changes: result, refused: change };
    }
    await send(iam, change.call, change.target, change.call.operation);
    change.status = 'applied';
    onApplied(change);
  }
  return { changes: result };
}

async function send(iam: IAMClient, call: SetupCallInput, target: string, operation: string): Promise<void> {
  try {
    switch (call.operation) {
      case 'CreateOpenIDConnectProvider':
        await iam.send(new CreateOpenIDConnectProviderCommand(call.input));
        return;
      case 'AddClientIDToOpenIDConnectProvider':
        await iam.send(new AddClientIDToOpenIDConnectProviderCommand(call.input));
        return;
      case 'CreateRole':
        await iam.send(new CreateRoleCommand(call.input));
        return;
      case 'UpdateAssumeRolePolicy':
        await iam.send(new UpdateAssumeRolePolicyCommand(call.input));
        return;
      case 'PutRolePolicy':
        await iam.send(new PutRolePolicyCommand(call.input));
        return;
      case 'AttachRolePolicy':
        await iam.send(new AttachRolePolicyCommand(call.input));
        return;
    }
  } catch (error) {
    if (isAccessDenied(error)) {
      const principal = /^User: (\S+) is not authorized/.exec(awsErrorMessage(error))?.[1] ?? 'The caller';
      throw new MissingAwsPermissionsError(principal, [deniedNeed(error, { action: `iam:${operation}`, resource: target })]);
    }
    throw new AwsSetupCallError(operation, awsErrorCode(error) ?? 'Error', awsErrorMessage(error));
  }
}
