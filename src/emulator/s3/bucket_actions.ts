import { s3Errors } from './s3_errors.js';
import { type S3Answer, type S3Request, bucketArn } from './s3_request.js';
import { type S3BucketRecord, s3StateOf } from './s3_state.js';
import { escapeXml } from '../xml_response.js';

/** S3's bucket naming rules (general purpose buckets): 3–63 of a-z 0-9 . -, starting and ending alphanumeric. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function isBucketName(name: string): boolean {
  return BUCKET_NAME.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}

/** The bucket a request names, visible only to its owner's account (and to anonymous object reads). */
export function requireBucket(request: S3Request): S3BucketRecord {
  const bucket = s3StateOf(request.state).buckets[request.bucket];
  if (bucket === undefined) throw s3Errors.noSuchBucket(request.bucket);
  if (request.caller !== undefined && request.caller.accountId !== bucket.ownerAccountId) throw s3Errors.accessDenied();
  return bucket;
}

export function createBucket(request: S3Request): S3Answer {
  if (!isBucketName(request.bucket)) throw s3Errors.invalidBucketName(request.bucket);
  request.authorize('s3:CreateBucket', bucketArn(request.bucket));
  const s3 = s3StateOf(request.state);
  const existing = s3.buckets[request.bucket];
  const account = request.caller?.accountId ?? '';
  if (existing !== undefined) throw existing.ownerAccountId === account ? s3Errors.alreadyOwnedByYou(request.bucket) : s3Errors.alreadyExists(request.bucket);
  s3.buckets[request.bucket] = {
    name: request.bucket,
    ownerAccountId: account,
    region: request.region,
    creationDate: new Date(request.now).toISOString(),
    objects: Object.create(null) as S3BucketRecord['objects'],
  };
  request.markChanged();
  return { status: 200, headers: { location: `/${request.bucket}` } };
}

export function headBucket(request: S3Request): S3Answer {
  const bucket = requireBucket(request);
  request.authorize('s3:ListBucket', bucketArn(bucket.name));
  return { status: 200, headers: { 'x-amz-bucket-region': bucket.region } };
}

export function deleteBucket(request: S3Request): S3Answer {
  const bucket = requireBucket(request);
  request.authorize('s3:DeleteBucket', bucketArn(bucket.name));
  if (Object.keys(bucket.objects).length > 0) throw s3Errors.bucketNotEmpty(bucket.name);
  delete s3StateOf(request.state).buckets[bucket.name];
  request.markChanged();
  return { status: 204 };
}

const MAX_KEYS = 1000;

/** ListObjectsV2 (`?list-type=2`): prefix, delimiter (common prefixes), max-keys and continuation tokens. */
export function listObjectsV2(request: S3Request): S3Answer {
  const bucket = requireBucket(request);
  request.authorize('s3:ListBucket', bucketArn(bucket.name));
  const prefix = request.query.get('prefix') ?? '';
  const delimiter = request.query.get('delimiter') ?? '';
  const maxKeysText = request.query.get('max-keys');
  const maxKeys = maxKeysText === null ? MAX_KEYS : Number(maxKeysText);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw s3Errors.invalidArgument('Provided max-keys not an integer or within integer range');
  const token = request.query.get('continuation-token');
  const startAfter = token === null ? (request.query.get('start-after') ?? '') : Buffer.from(token, 'base64url').toString('utf8');

  const keys = Object.keys(bucket.objects).filter((k) => k.startsWith(prefix) && k > startAfter).sort();
  const contents: string[] = [];
  const commonPrefixes = new Set<string>();
  let last = '';
  let truncated = false;
  for (const key of keys) {
    if (contents.length + commonPrefixes.size >= Math.min(maxKeys, MAX_KEYS)) {
      truncated = true;
      break;
    }
    const rest = key.slice(prefix.length);
    const cut = delimiter === '' ? -1 : rest.indexOf(delimiter);
    if (cut >= 0) {
      const common = prefix + rest.slice(0, cut + delimiter.length);
      if (!commonPrefixes.has(common)) commonPrefixes.add(common);
      last = key;
      continue;
    }
    const object = bucket.objects[key];
    if (object === undefined) continue;
    contents.push(
      `<Contents><Key>${escapeXml(key)}</Key><LastModified>${object.lastModified}</LastModified><ETag>${escapeXml(object.etag)}</ETag>` +
        `<Size>${Buffer.byteLength(object.body)}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    );
    last = key;
  }
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Name>${escapeXml(bucket.name)}</Name><Prefix>${escapeXml(prefix)}</Prefix>` +
    (delimiter === '' ? '' : `<Delimiter>${escapeXml(delimiter)}</Delimiter>`) +
    `<MaxKeys>${maxKeys}</MaxKeys><KeyCount>${contents.length + commonPrefixes.size}</KeyCount><IsTruncated>${truncated}</IsTruncated>` +
    (token === null ? '' : `<ContinuationToken>${escapeXml(token)}</ContinuationToken>`) +
    (truncated ? `<NextContinuationToken>${Buffer.from(last).toString('base64url')}</NextContinuationToken>` : '') +
    contents.join('') +
    [...commonPrefixes].map((p) => `<CommonPrefixes><Prefix>${escapeXml(p)}</Prefix></CommonPrefixes>`).join('') +
    '</ListBucketResult>';
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}

/** ListBuckets (`GET /`): the caller's account's buckets. */
export function listBuckets(request: S3Request): S3Answer {
  request.authorize('s3:ListAllMyBuckets', '*');
  const buckets = Object.values(s3StateOf(request.state).buckets).filter((b) => b.ownerAccountId === request.caller?.accountId);
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Owner><ID>${request.caller?.accountId ?? ''}</ID></Owner><Buckets>` +
    buckets.map((b) => `<Bucket><Name>${escapeXml(b.name)}</Name><CreationDate>${b.creationDate}</CreationDate></Bucket>`).join('') +
    '</Buckets></ListAllMyBucketsResult>';
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}
