export { s3Service } from './s3_service.js';
export type { S3State, S3BucketRecord, S3ObjectRecord } from './s3_state.js';
