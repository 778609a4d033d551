import { AwsError } from '../aws_error.js';
import type { ActionContext } from '../emulator_service.js';
import { iamChecker } from './iam_checker.js';

/**
 * IAM's list paging: `MaxItems` (1–1000, default 100) and an opaque `Marker`. A truncated page
 * carries `IsTruncated: true` and the `Marker` to continue from; the last page `IsTruncated: false`
 * and no marker. The marker carries the position of the next item (opaque to callers, as AWS's is).
 */
export interface Page<T> {
  items: T[];
  IsTruncated: boolean;
  Marker: string | undefined;
}

const DEFAULT_MAX_ITEMS = 100;

export function paginate<T>(context: ActionContext, items: readonly T[]): Page<T> {
  const maxRaw = context.params.get('MaxItems');
  const marker = context.params.get('Marker');
  iamChecker()
    .number(maxRaw, { member: 'maxItems', min: 1, max: 1000 })
    .string(marker, { member: 'marker', min: 1, max: 320 })
    .throwIfAny();
  const maxItems = maxRaw === undefined ? DEFAULT_MAX_ITEMS : Number(maxRaw);
  if (!Number.isInteger(maxItems)) throw new AwsError('ValidationError', 400, `Invalid value for parameter MaxItems: ${maxRaw}`);
  let start = 0;
  if (marker !== undefined) {
    const decoded = /^p(\d{1,9})$/.exec(Buffer.from(marker, 'base64url').toString('utf8'));
    if (decoded === null) throw new AwsError('ValidationError', 400, 'Invalid Marker.');
    start = Number(decoded[1]);
  }
  const page = items.slice(start, start + maxItems);
  const next = items[start + maxItems];
  return {
    items: page,
    IsTruncated: next !== undefined,
    Marker: next === undefined ? undefined : Buffer.from(`p${start + maxItems}`, 'utf8').toString('base64url'),
  };
}
