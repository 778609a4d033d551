export { Issuer, type IssuerOptions, type TenantView, type TokenConfigView, type WorkloadView, type IssuedToken, type TokenPreview, type TokenPreviewInput } from './issuer.js';
export type { SigningKeyView, KeyCustodyKind } from './key_ring.js';
export { KmsKeyCustody, type KmsKeyCustodyOptions, type KmsKeyFailure, type KmsRetryPolicy } from './kms_key_custody.js';
export { DEFAULT_ROTATION_POLICY, type RotationPolicy, type KeyState } from './key_rotation.js';
export { parseIssuerTemplate, type IssuerUrls } from './issuer_url.js';
export { DISCOVERY_PATH, JWKS_PATH, etagMatches, type IssuerDocuments, type ServedDocument } from './issuer_documents.js';
export { isTenantId } from './tenant_id.js';
export {
  parseSubjectTemplate,
  renderSubjectTemplate,
  SUBJECT_PLACEHOLDERS,
  SUBJECT_VALUE_PATTERN,
  type SubjectTemplate,
  type SubjectValues,
} from './subject_template.js';
export type { SigningAlgorithm, PublicJwk } from './signing_key.js';
export type { TokenConfigInput } from './token_config.js';
export { AWS_TAGS_CLAIM, type SessionTagsInput } from './session_tags.js';
export { mintProbeToken, PROBE_AUDIENCE, PROBE_CLAIM, type ProbeKind, type ProbeToken, type SkippedProbe } from './probe_token.js';
export { masterKeyVerifier, MasterKeyError } from './master_key_verifier.js';
export { assertMasterKeyOpensDatabase, databaseHasSealedKeys, type MasterKeyCheck } from './master_key_check.js';
export { rewrapMasterKey, type RewrapProgress } from './master_key_rewrap.js';
export { writePublishedFiles, type PublishedFile } from './issuer_publication.js';
export { parseS3Url, uploadPublishedFiles, type S3Target, type S3PublishOptions } from './s3_publication.js';
export { publishedJwksCheck } from './published_jwks_check.js';
export { mintKeyProbeToken, type KeyProbeToken } from './key_probe_token.js';
export type { KeyPromotion, KeyPromotionCheck } from './key_promotion.js';
