import { createHash } from 'node:crypto';
import { requireBucket } from './bucket_actions.js';
import { s3Errors } from './s3_errors.js';
import { type S3Answer, type S3Request, objectArn } from './s3_request.js';
import type { S3ObjectRecord } from './s3_state.js';

/** The canned ACLs PutObject accepts; only `public-read` opens anything (anonymous reads). */
const CANNED_ACLS = new Set(['private', 'public-read', 'bucket-owner-full-control', 'bucket-owner-read', 'authenticated-read', 'aws-exec-read']);

/** `Thu, 03 Dec 2026 16:00:00 GMT`, S3's Last-Modified header form. */
function httpDate(iso: string): string {
  return new Date(iso).toUTCString();
}

export function putObject(request: S3Request): S3Answer {
  const bucket = requireBucket(request);
  request.authorize('s3:PutObject', objectArn(bucket.name, request.key));
  const headers = request.raw.headers;
  const acl = headers['x-amz-acl'] ?? 'private';
  if (!CANNED_ACLS.has(acl)) throw s3Errors.invalidArgument(`Invalid canned ACL: ${acl}`);
  if (acl === 'public-read') request.authorize('s3:PutObjectAcl', objectArn(bucket.name, request.key));
  const body = request.raw.body;
  const etag = `"${createHash('md5').update(body).digest('hex')}"`;
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
  const record: S3ObjectRecord = {
    key: request.key,
    body,
    etag,
    contentType: headers['content-type'] ?? 'binary/octet-stream',
    ...(headers['cache-control'] === undefined ? {} : { cacheControl: headers['cache-control'] }),
    ...(headers['content-encoding'] === undefined ? {} : { contentEncoding: headers['content-encoding'] }),
    metadata,
    acl: acl === 'public-read' ? 'public-read' : 'private',
    lastModified: new Date(request.now).toISOString().replace(/\.\d{3}Z$/, '.000Z'),
  };
  bucket.objects[request.key] = record;
  request.markChanged();
  return { status: 200, headers: { etag } };
}

function findObject(request: S3Request, action: 's3:GetObject'): S3ObjectRecord {
  const bucket = requireBucket(request);
  const object = bucket.objects[request.key];
  // Anonymous callers may read public-read objects only; they learn nothing else (AccessDenied, never NoSuchKey).
  if (request.caller === undefined) {
    if (object === undefined || object.acl !== 'public-read') throw s3Errors.accessDenied();
    return object;
  }
  request.authorize(action, objectArn(bucket.name, request.key));
  if (object === undefined) throw s3Errors.noSuchKey(request.key);
  return object;
}

function objectHeaders(object: S3ObjectRecord): Record<string, string> {
  return {
    'content-type': object.contentType,
    'content-length': String(Buffer.byteLength(object.body)),
    etag: object.etag,
    'last-modified': httpDate(object.lastModified),
    'accept-ranges': 'bytes',
    ...(object.cacheControl === undefined ? {} : { 'cache-control': object.cacheControl }),
    ...(object.contentEncoding === undefined ? {} : { 'content-encoding': object.contentEncoding }),
    ...Object.fromEntries(Object.entries(object.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value])),
  };
}

/** Conditional GET: a matching `If-None-Match` answers 304 without a body. */
function notModified(request: S3Request, object: S3ObjectRecord): boolean {
  const header = request.raw.headers['if-none-match'];
  return header !== undefined && header.split(',').some((tag) => tag.trim() === object.etag || tag.trim() === '*');
}

export function getObject(request: S3Request): S3Answer {
  const object = findObject(request, 's3:GetObject');
  if (notModified(request, object)) return { status: 304, headers: { etag: object.etag, 'last-modified': httpDate(object.lastModified) } };
  return { status: 200, headers: objectHeaders(object), body: object.body };
}

/** HeadObject needs s3:GetObject, as in S3. */
export function headObject(request: S3Request): S3Answer {
  const object = findObject(request, 's3:GetObject');
  if (notModified(request, object)) return { status: 304, headers: { etag: object.etag } };
  return { status: 200, headers: objectHeaders(object) };
}

/** DeleteObject is idempotent: a missing key answers 204 too. */
export function deleteObject(request: S3Request): S3Answer {
  const bucket = requireBucket(request);
  request.authorize('s3:DeleteObject', objectArn(bucket.name, request.key));
  if (bucket.objects[request.key] !== undefined) {
    delete bucket.objects[request.key];
    request.markChanged();
  }
  return { status: 204 };
}
