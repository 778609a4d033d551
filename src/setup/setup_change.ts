import type { PolicyJson } from '../policy/index.js';

/** The IAM mutations guided set-up may make; nothing else is ever called with write access. */
export type SetupOperation =
  | 'CreateOpenIDConnectProvider'
  | 'AddClientIDToOpenIDConnectProvider'
  | 'CreateRole'
  | 'UpdateAssumeRolePolicy'
  | 'PutRolePolicy'
  | 'AttachRolePolicy';

/** `planned` before applying; after: `applied`, `unchanged` (nothing to do) or `skipped` (refused or not reached). */
export type ChangeStatus = 'planned' | 'applied' | 'unchanged' | 'skipped';

/** The SDK input of each operation, exactly as sent (documents as JSON text). */
export type SetupCallInput =
  | { operation: 'CreateOpenIDConnectProvider'; input: { Url: string; ClientIDList: string[]; ThumbprintList?: string[] } }
  | { operation: 'AddClientIDToOpenIDConnectProvider'; input: { OpenIDConnectProviderArn: string; ClientID: string } }
  | { operation: 'CreateRole'; input: { RoleName: string; AssumeRolePolicyDocument: string; Description?: string } }
  | { operation: 'UpdateAssumeRolePolicy'; input: { RoleName: string; PolicyDocument: string } }
  | { operation: 'PutRolePolicy'; input: { RoleName: string; PolicyName: string; PolicyDocument: string } }
  | { operation: 'AttachRolePolicy'; input: { RoleName: string; PolicyArn: string } };

/** One step of the plan: what it does, to what, the exact API call and the equivalent AWS CLI command. */
export interface SetupChange {
  action: SetupOperation;
  /** The ARN the step acts on. */
  target: string;
  status: ChangeStatus;
  /** One line for people: "Create the IAM role rolebridge-acme". */
  summary: string;
  call: SetupCallInput;
  cliCommand: string;
  /** For documents: the document before (absent when new) and after, and their line diff. */
  document?: { before?: PolicyJson; after: PolicyJson; diff: string };
  /** Things the user should know and that set-up will not fix (statements that are not ours). */
  warnings: string[];
}
