import type { AwsError } from './aws_error.js';

/**
 * What an action returns, before it becomes AWS Query XML. Objects become elements in key order,
 * arrays become `<member>` lists (the Query protocol's list encoding), Dates become ISO-8601 `Z`
 * timestamps without milliseconds, `undefined` members are left out.
 */
export type XmlValue = string | number | boolean | Date | undefined | XmlValue[] | { [name: string]: XmlValue };

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `2014-10-24T23:00:23Z`, the timestamp form STS and IAM send. */
export function awsTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function renderValue(value: XmlValue): string {
  if (value === undefined) return '';
  if (value instanceof Date) return awsTimestamp(value);
  if (Array.isArray(value)) return value.map((item) => `<member>${renderValue(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .map(([name, child]) => `<${name}>${renderValue(child)}</${name}>`)
      .join('');
  }
  return escapeXml(String(value));
}

/** `<ActionResponse xmlns=…><ActionResult>…</ActionResult><ResponseMetadata><RequestId>…` */
export function renderSuccessXml(action: string, namespace: string, result: XmlValue, requestId: string): string {
  const resultXml = result === undefined ? '' : `<${action}Result>${renderValue(result)}</${action}Result>`;
  return (
    `<${action}Response xmlns="${namespace}">${resultXml}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>\n`
  );
}

/** AWS's Query error envelope; `RequestId` is a direct child of `ErrorResponse` (AWS-REFERENCE §1.5). */
export function renderErrorXml(error: AwsError, namespace: string, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${namespace}"><Error><Type>${error.type}</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>\n`
  );
}
