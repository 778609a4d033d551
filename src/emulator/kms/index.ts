export { kmsService } from './kms_service.js';
export type { KmsState, KmsKeyRecord, KmsAliasRecord } from './kms_state.js';
