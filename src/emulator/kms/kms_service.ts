import type { ActionContext, ActionHandler, JsonService } from '../emulator_service.js';
import { createAlias, deleteAlias, listAliases } from './alias_actions.js';
import {
  cancelKeyDeletion,
  createKey,
  describeKey,
  disableKey,
  enableKey,
  listKeys,
  listResourceTags,
  scheduleKeyDeletion,
  tagResource,
  untagResource,
} from './key_actions.js';
import { asKmsError } from './kms_errors.js';
import { getPublicKey, signMessage, verifyMessage } from './sign_actions.js';

/** IAM's AccessDenied becomes KMS's AccessDeniedException; every other error passes as thrown. */
function withKmsErrors(handler: (context: ActionContext) => Record<string, unknown>): ActionHandler {
  return (context) => {
    context.event.requestParameters = recordedParameters(context.json);
    try {
      return handler(context) as never;
    } catch (error) {
      throw asKmsError(error);
    }
  };
}

/** What CloudTrail records of a KMS call: its members in lower camel case, never message or signature bytes. */
const UNRECORDED = new Set(['Message', 'Signature', 'Plaintext', 'Policy']);

function recordedParameters(json: Record<string, unknown> | undefined): Record<string, unknown> {
  const entries = Object.entries(json ?? {}).filter(([name]) => !UNRECORDED.has(name));
  return Object.fromEntries(entries.map(([name, value]) => [name.charAt(0).toLowerCase() + name.slice(1), value]));
}

const actions: Record<string, (context: ActionContext) => Record<string, unknown>> = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
  EnableKey: enableKey,
  DisableKey: disableKey,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListResourceTags: listResourceTags,
  GetPublicKey: getPublicKey,
  Sign: signMessage,
  Verify: verifyMessage,
  CreateAlias: createAlias,
  ListAliases: listAliases,
  DeleteAlias: deleteAlias,
};

/** AWS KMS, JSON 1.1 protocol, `X-Amz-Target: TrentService.<Action>` (API 2014-11-01): asymmetric signing keys. */
export const kmsService: JsonService = {
  protocol: 'json',
  signingName: 'kms',
  eventSource: 'kms.amazonaws.com',
  targetPrefix: 'TrentService',
  actions: Object.fromEntries(Object.entries(actions).map(([name, handler]) => [name, withKmsErrors(handler)])),
};
