import { AwsError } from '../aws_error.js';
import { escapeXml } from '../xml_response.js';

/** An S3 error: AWS's code, status and message, plus the resource members S3 adds (`BucketName`, `Key`). */
export class S3Error extends AwsError {
  constructor(
    code: string,
    status: number,
    message: string,
    readonly resource: Record<string, string> = {},
  ) {
    super(code, status, message);
  }
}

export const s3Errors = {
  noSuchBucket: (bucket: string) => new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket }),
  noSuchKey: (key: string) => new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key }),
  accessDenied: () => new S3Error('AccessDenied', 403, 'Access Denied'),
  invalidBucketName: (bucket: string) => new S3Error('InvalidBucketName', 400, 'The specified bucket is not valid.', { BucketName: bucket }),
  alreadyOwnedByYou: (bucket: string) =>
    new S3Error('BucketAlreadyOwnedByYou', 409, 'Your previous request to create the named bucket succeeded and you already own it.', { BucketName: bucket }),
  alreadyExists: (bucket: string) =>
    new S3Error('BucketAlreadyExists', 409, 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.', {
      BucketName: bucket,
    }),
  bucketNotEmpty: (bucket: string) => new S3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty', { BucketName: bucket }),
  methodNotAllowed: (method: string) =>
    new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', { Method: method, ResourceType: 'OBJECT' }),
  contentMismatch: (claimed: string, computed: string) =>
    new S3Error('XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed.", {
      ClientComputedContentSHA256: claimed,
      S3ComputedContentSHA256: computed,
    }),
  invalidArgument: (message: string) => new S3Error('InvalidArgument', 400, message),
};

/** S3's error document: `<Error><Code/><Message/>…<RequestId/></Error>` (no ErrorResponse wrapper, unlike Query). */
export function renderS3ErrorXml(error: AwsError, requestId: string): string {
  const resource = error instanceof S3Error ? Object.entries(error.resource) : [];
  const members = resource.map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${members}<RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`
  );
}
