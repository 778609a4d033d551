import { PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { InvalidInputError } from '../core/index.js';
import type { PublishedFile } from './issuer_publication.js';

export interface S3Target {
  bucket: string;
  /** Without leading or trailing `/`; may be empty. */
  prefix: string;
}

/** `s3://bucket[/prefix]`. */
export function parseS3Url(text: string): S3Target {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/.*)?$/.exec(text);
  if (match === null) throw new InvalidInputError('invalid_s3_url', `Expected s3://bucket[/prefix], got '${text}'.`);
  return { bucket: match[1] as string, prefix: (match[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

/**
 * The object key of a published file. Normally `<prefix>/<issuer path>/.well-known/…`; when the issuer is
 * the bucket itself served path-style (`http://s3-endpoint/<bucket>/<prefix>/t/acme`), the issuer path
 * already starts with `<bucket>/<prefix>` and that part is not repeated.
 */
export function objectKeyOf(file: PublishedFile, target: S3Target): string {
  const servedFromBucket = [target.bucket, target.prefix].filter(Boolean).join('/') + '/';
  if (file.path.startsWith(servedFromBucket)) return file.path.slice(servedFromBucket.length);
  return [target.prefix, file.path].filter(Boolean).join('/');
}

export interface S3PublishOptions {
  /** `x-amz-acl: public-read` (buckets that allow ACLs; with CloudFront and origin access control, leave it off). */
  publicRead?: boolean;
  client?: S3ClientConfig;
}

/** Uploads every file with the server's Content-Type and Cache-Control; returns the `s3://` URLs written. */
export async function uploadPublishedFiles(files: readonly PublishedFile[], target: S3Target, options: S3PublishOptions = {}): Promise<string[]> {
  // Path-style works everywhere (S3, the emulator, S3-compatible stores); virtual-hosted is AWS's default.
  const client = new S3Client({ forcePathStyle: true, ...options.client });
  try {
    const written: string[] = [];
    for (const file of files) {
      const key = objectKeyOf(file, target);
      await client.send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: key,
          Body: file.body,
          ContentType: file.contentType,
          CacheControl: file.cacheControl,
          ...(options.publicRead ? { ACL: 'public-read' as const } : {}),
        }),
      );
      written.push(`s3://${target.bucket}/${key}`);
    }
    return written;
  } finally {
    client.destroy();
  }
}
