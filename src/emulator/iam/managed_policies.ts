import { createHash } from 'node:crypto';
import { parseArn } from '../../policy/index.js';
import type { AccountRecord, EmulatorState, ManagedPolicyRecord, PolicyVersionRecord, Tag } from '../emulator_state.js';
import type { XmlValue } from '../xml_response.js';
import { AWS_MANAGED_POLICY_DATA } from './aws_managed_policy_documents.js';

/**
 * Managed policies as one view over two sources: AWS managed policies (`arn:aws:iam::aws:policy/…`,
 * read-only, the documents in aws_managed_policy_documents.ts) and the account's customer managed
 * policies (state). Attachments live on the roles, so counts are computed, never stored.
 */
export interface ManagedPolicyView {
  kind: 'aws' | 'customer';
  name: string;
  path: string;
  arn: string;
  policyId: string;
  description?: string;
  defaultVersionId: string;
  versions: PolicyVersionRecord[];
  tags: Tag[];
  createDate: string;
  updateDate: string;
  /** The customer record itself, for changes. */
  record?: ManagedPolicyRecord;
}

/** A stable `ANPA…` id per AWS managed policy (AWS's own ids are not in the published data). */
function awsPolicyId(name: string): string {
  const digest = createHash('sha256').update(name).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return `ANPA${[...digest.subarray(0, 17)].map((byte) => alphabet[byte % 32]).join('')}`;
}

const AWS_MANAGED = new Map<string, ManagedPolicyView>(
  AWS_MANAGED_POLICY_DATA.map((data) => {
    const arn = `arn:aws:iam::aws:policy${data.path}${data.name}`;
    const view: ManagedPolicyView = {
      kind: 'aws',
      name: data.name,
      path: data.path,
      arn,
      policyId: awsPolicyId(data.name),
      defaultVersionId: data.defaultVersionId,
      // Only the default version's document is published; it is the one version the emulator has.
      versions: [{ versionId: data.defaultVersionId, document: JSON.stringify(data.document), createDate: data.updateDate }],
      tags: [],
      createDate: data.createDate,
      updateDate: data.updateDate,
    };
    return [arn, view];
  }),
);

/** The AWS managed policies the emulator knows, by name (`AmazonS3ReadOnlyAccess`). */
export function awsManagedPolicyNames(): string[] {
  return [...AWS_MANAGED.values()].map((policy) => policy.name);
}

export function isAwsManagedArn(arn: string): boolean {
  return arn.startsWith('arn:aws:iam::aws:policy/');
}

function customerView(record: ManagedPolicyRecord): ManagedPolicyView {
  return { kind: 'customer', ...record, record };
}

/** The managed policy an ARN names, in this account or AWS's; undefined when there is none. */
export function findManagedPolicy(account: AccountRecord, arn: string): ManagedPolicyView | undefined {
  const aws = AWS_MANAGED.get(arn);
  if (aws !== undefined) return aws;
  const record = account.managedPolicies?.[arn];
  return record === undefined ? undefined : customerView(record);
}

export function listManagedPolicies(account: AccountRecord, scope: 'All' | 'AWS' | 'Local'): ManagedPolicyView[] {
  const aws = scope === 'Local' ? [] : [...AWS_MANAGED.values()];
  const local = scope === 'AWS' ? [] : Object.values(account.managedPolicies ?? {}).map(customerView);
  return [...aws, ...local].sort((a, b) => a.name.localeCompare(b.name));
}

export function defaultDocument(policy: ManagedPolicyView): string {
  return policy.versions.find((version) => version.versionId === policy.defaultVersionId)?.document ?? '{}';
}

/** Documents of the managed policies attached to a principal, for authorization (missing ones are skipped). */
export function attachedDocuments(state: EmulatorState, accountId: string, arns: readonly string[] | undefined): string[] {
  const account = state.accounts[accountId];
  if (account === undefined || arns === undefined) return [];
  return arns.flatMap((arn) => {
    const policy = findManagedPolicy(account, arn);
    return policy === undefined ? [] : [defaultDocument(policy)];
  });
}

export function attachmentCount(account: AccountRecord, arn: string): number {
  return [...Object.values(account.roles), ...Object.values(account.users)].filter((holder) => holder.attachedPolicyArns?.includes(arn)).length;
}

export function boundaryUsageCount(account: AccountRecord, arn: string): number {
  return Object.values(account.roles).filter((role) => role.permissionsBoundaryArn === arn).length;
}

/** Whether a string is shaped like an ARN at all (`ARN <x> is not valid.` otherwise). */
export function looksLikeArn(text: string): boolean {
  return parseArn(text) !== undefined;
}

/** Whether an ARN names an IAM managed policy (`arn:aws:iam::<account|aws>:policy/…`). */
export function isPolicyArn(text: string): boolean {
  const arn = parseArn(text);
  return arn !== undefined && arn.service === 'iam' && arn.resource.startsWith('policy/');
}

/**
 * The `Policy` element. AWS's shapes differ by call (recorded): GetPolicy always carries `Tags`
 * (an empty list too) and `Description` when set; CreatePolicy carries `Tags` only when there are
 * some; ListPolicies neither.
 */
export function policyXml(account: AccountRecord, policy: ManagedPolicyView, form: 'get' | 'create' | 'list'): XmlValue {
  return {
    PolicyName: policy.name,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: attachmentCount(account, policy.arn),
    PermissionsBoundaryUsageCount: boundaryUsageCount(account, policy.arn),
    IsAttachable: true,
    Description: form === 'list' ? undefined : policy.description,
    CreateDate: new Date(policy.createDate),
    UpdateDate: new Date(policy.updateDate),
    Tags: form === 'get' || (form === 'create' && policy.tags.length > 0) ? policy.tags : undefined,
  };
}
