import type { EmulatorState } from '../emulator_state.js';
import { keyedRecords } from '../emulator_state.js';

export interface S3ObjectRecord {
  key: string;
  /** The object's bytes as UTF-8 text (the emulator's request bodies are text; issuer documents are JSON). */
  body: string;
  etag: string;
  contentType: string;
  cacheControl?: string;
  contentEncoding?: string;
  /** `x-amz-meta-*` headers, lower-case names without the prefix. */
  metadata: Record<string, string>;
  /** Only `public-read` changes anything: anonymous GetObject/HeadObject are allowed. */
  acl: 'private' | 'public-read';
  lastModified: string;
}

export interface S3BucketRecord {
  name: string;
  /** The account that created it; only its principals may use it (bucket policies are not emulated). */
  ownerAccountId: string;
  region: string;
  creationDate: string;
  objects: Record<string, S3ObjectRecord>;
}

/** S3's part of the emulator state; plain JSON so that `--state-file` keeps it. */
export interface S3State {
  /** Bucket names are global, as in S3. */
  buckets: Record<string, S3BucketRecord>;
}

declare module '../emulator_state.js' {
  interface EmulatorState {
    s3?: S3State;
  }
}

export function s3StateOf(state: EmulatorState): S3State {
  if (state.s3 === undefined) return (state.s3 = { buckets: keyedRecords() });
  // A state read from a file has plain objects: give them the prototype-free maps a fresh state has.
  if (Object.getPrototypeOf(state.s3.buckets) !== null) {
    state.s3.buckets = keyedRecords(state.s3.buckets);
    for (const bucket of Object.values(state.s3.buckets)) bucket.objects = keyedRecords(bucket.objects);
  }
  return state.s3;
}
