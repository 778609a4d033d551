import type { Caller } from '../caller.js';
import type { EmulatorState } from '../emulator_state.js';
import type { RawRequest } from '../handle_aws_request.js';

/** One S3 request after routing: path-style `/<bucket>/<key>`, the authenticated caller (none: anonymous). */
export interface S3Request {
  state: EmulatorState;
  raw: RawRequest;
  method: string;
  bucket: string;
  /** Empty for bucket-level requests. */
  key: string;
  query: URLSearchParams;
  caller: Caller | undefined;
  now: number;
  region: string;
  requestId: string;
  /** Throws S3's AccessDenied unless the caller's identity policies allow `action` on `resource`. */
  authorize(action: string, resource: string): void;
  markChanged(): void;
}

export interface S3Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}
