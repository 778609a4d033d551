import { createHash } from 'node:crypto';
import { AwsError } from '../aws_error.js';
import { authorize } from '../authorize.js';
import type { Caller } from '../caller.js';
import { callerIdentityRecord } from '../caller_identity_record.js';
import type { RestService } from '../emulator_service.js';
import { faultError } from '../fault_injection.js';
import { generateIdentifiers } from '../generate_identifiers.js';
import type { EmulatorRuntime, RawRequest, RawResponse } from '../handle_aws_request.js';
import { type SignatureClaims, authenticateSignedRequest } from '../sigv4_authenticate.js';
import { createBucket, deleteBucket, headBucket, listBuckets, listObjectsV2 } from './bucket_actions.js';
import { deleteObject, getObject, headObject, putObject } from './object_actions.js';
import { S3Error, renderS3ErrorXml, s3Errors } from './s3_errors.js';
import type { S3Answer, S3Request } from './s3_request.js';
import { queryRecord } from '../query_record.js';

type S3Action = (request: S3Request) => S3Answer;

/** Path-style routing: `/<bucket>` and `/<bucket>/<key>`, by method (and `list-type=2` for ListObjectsV2). */
function route(method: string, bucket: string, key: string, query: URLSearchParams): [string, S3Action] {
  if (bucket === '') {
    if (method === 'GET') return ['ListBuckets', listBuckets];
    throw s3Errors.methodNotAllowed(method);
  }
  if (key === '') {
    if (method === 'PUT') return ['CreateBucket', createBucket];
    if (method === 'HEAD') return ['HeadBucket', headBucket];
    if (method === 'DELETE') return ['DeleteBucket', deleteBucket];
    if (method === 'GET' && query.get('list-type') === '2') return ['ListObjectsV2', listObjectsV2];
    if (method === 'GET') throw new AwsError('NotImplemented', 501, 'A header you provided implies functionality that is not implemented');
    throw s3Errors.methodNotAllowed(method);
  }
  if (method === 'PUT') return ['PutObject', putObject];
  if (method === 'GET') return ['GetObject', getObject];
  if (method === 'HEAD') return ['HeadObject', headObject];
  if (method === 'DELETE') return ['DeleteObject', deleteObject];
  throw s3Errors.methodNotAllowed(method);
}

/** The payload hash S3 checks when the client signed one (not `UNSIGNED-PAYLOAD` or a streaming mode). */
function checkPayloadHash(request: RawRequest): void {
  const claimed = request.headers['x-amz-content-sha256'];
  if (claimed === undefined || !/^[0-9a-f]{64}$/.test(claimed)) return;
  const computed = createHash('sha256').update(request.body).digest('hex');
  if (computed !== claimed) throw s3Errors.contentMismatch(claimed, computed);
}

async function serve(runtime: EmulatorRuntime, raw: RawRequest, claims: SignatureClaims | undefined): Promise<RawResponse> {
  const requestId = generateIdentifiers.requestId().replace(/-/g, '').slice(0, 16).toUpperCase();
  const now = runtime.now();
  const url = new URL(raw.url, 'http://emulator.invalid');
  const [, bucketPart = '', ...keyParts] = url.pathname.split('/');
  const bucket = decodeURIComponent(bucketPart);
  const key = decodeURIComponent(keyParts.join('/'));
  let action = 'Unknown';
  let caller: Caller | undefined;
  let changed = false;
  const method = raw.method.toUpperCase();
  let answer: S3Answer;
  let failure: AwsError | undefined;
  try {
    const [name, handler] = route(method, bucket, key, url.searchParams);
    action = name;
    const fault = runtime.faults.for(action);
    if (fault?.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault?.outage) throw faultError('ServiceUnavailable', '');
    if (claims !== undefined) {
      caller = await authenticateSignedRequest(
        runtime.state,
        { method: raw.method, path: url.pathname, query: queryRecord(url.searchParams), headers: raw.headers, body: raw.body },
        claims,
        now,
        { uriEscapePath: false },
      );
      checkPayloadHash(raw);
    }
    if (fault?.error) throw faultError(fault.error, caller?.accountId ?? '');
    const signedCaller = caller;
    answer = handler({
      state: runtime.state,
      raw,
      method,
      bucket,
      key,
      query: url.searchParams,
      caller,
      now,
      region: claims?.region ?? 'us-east-1',
      requestId,
      authorize: (iamAction, resource) => {
        if (signedCaller === undefined) throw s3Errors.accessDenied();
        try {
          authorize(runtime.state, signedCaller, iamAction, resource);
        } catch (error) {
          // S3 says only "Access Denied", whatever the policy.
          if (error instanceof AwsError && error.code === 'AccessDenied') throw s3Errors.accessDenied();
          throw error;
        }
      },
      markChanged: () => {
        changed = true;
      },
    });
  } catch (error) {
    failure = error instanceof AwsError ? error : internalError(error);
    answer = {
      status: failure.status,
      headers: { 'content-type': 'application/xml' },
      // HEAD answers carry no body; the status says it all.
      ...(method === 'HEAD' ? {} : { body: renderS3ErrorXml(failure, requestId) }),
    };
  } finally {
    if (changed) runtime.stateChanged();
  }
  runtime.events.record({
    eventVersion: '1.08',
    eventTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 's3.amazonaws.com',
    eventName: action,
    awsRegion: claims?.region ?? 'us-east-1',
    sourceIPAddress: raw.sourceIp,
    userAgent: raw.headers['user-agent'] ?? '',
    requestID: requestId,
    eventID: generateIdentifiers.requestId(),
    eventType: 'AwsApiCall',
    ...(caller === undefined ? {} : { recipientAccountId: caller.accountId }),
    userIdentity: caller === undefined ? { type: 'AWSAccount', principalId: '', accountId: 'anonymous' } : callerIdentityRecord(caller),
    requestParameters: { bucketName: bucket, ...(key === '' ? {} : { key }) },
    responseElements: null,
    ...(failure === undefined ? {} : { errorCode: failure.code, errorMessage: failure.message }),
  });
  return {
    status: answer.status,
    headers: { 'x-amz-request-id': requestId, 'x-amz-id-2': requestId, ...answer.headers },
    body: answer.body ?? '',
  };
}

function internalError(error: unknown): AwsError {
  console.error('aws-emulator: internal error', error);
  return new S3Error('InternalError', 500, 'We encountered an internal error. Please try again.');
}

/** Amazon S3, REST protocol, path-style addressing (`http://<endpoint>/<bucket>/<key>`). */
export const s3Service: RestService = {
  protocol: 'rest',
  signingName: 's3',
  eventSource: 's3.amazonaws.com',
  serve,
};
