export { Issuer, type IssuerOptions, type TenantView, type TokenConfigView, type WorkloadView, type IssuedToken, type TokenPreview, type TokenPreviewInput } from './issuer.js';
export type { SigningKeyView, KeyCustodyKind } from './key_ring.js';
export { KmsKeyCustody, KMS_KEY_SPECS, type KmsKeyCustodyOptions, type KmsKeyFailure, type KmsRetryPolicy } from './kms_key_custody.js';
export { DEFAULT_ROTATION_POLICY, type RotationPolicy, type KeyState } from './key_rotation.js';
export { parseIssuerTemplate, type IssuerUrls } from './issuer_url.js';
export { DISCOVERY_PATH, JWKS_PATH, etagMatches, type IssuerDocuments, type ServedDocument } from './issuer_documents.js';
export { assertTenantId, isTenantId, TENANT_ID_PATTERN } from './tenant_id.js';
export {
  parseSubjectTemplate,
  renderSubjectTemplate,
  SUBJECT_PLACEHOLDERS,
  SUBJECT_VALUE_PATTERN,
  type SubjectTemplate,
  type SubjectValues,
} from './subject_template.js';
export { SIGNING_ALGORITHMS, DEFAULT_SIGNING_ALGORITHM, type SigningAlgorithm, type PublicJwk } from './signing_key.js';
export {
  DEFAULT_AUDIENCE,
  DEFAULT_LIFETIME_SECONDS,
  MIN_LIFETIME_SECONDS,
  MAX_LIFETIME_SECONDS,
  DEFAULT_TOKEN_CONFIG_NAME,
  type TokenConfigInput,
} from './token_config.js';
export { AWS_TAGS_CLAIM, type SessionTagsInput } from './session_tags.js';
export { CLAIMS_SUPPORTED, RESERVED_CLAIMS } from './token_claims.js';
export { mintProbeToken, PROBE_KINDS, PROBE_AUDIENCE, PROBE_CLAIM, type ProbeKind, type ProbeToken, type SkippedProbe } from './probe_token.js';
export { masterKeyVerifier, MasterKeyError } from './master_key_verifier.js';
export { assertMasterKeyOpensDatabase, databaseHasSealedKeys, type MasterKeyCheck } from './master_key_check.js';
export { rewrapMasterKey, type RewrapProgress } from './master_key_rewrap.js';
export { issuerPathOf, writePublishedFiles, type PublishedFile } from './issuer_publication.js';
export { parseS3Url, objectKeyOf, uploadPublishedFiles, type S3Target, type S3PublishOptions } from './s3_publication.js';
export { publishedJwksCheck } from './published_jwks_check.js';
export { mintKeyProbeToken, type KeyProbeToken } from './key_probe_token.js';
export type { KeyPromotion, KeyPromotionCheck } from './key_promotion.js';
