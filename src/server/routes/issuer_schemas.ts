/**
 * JSON schemas shared by the issuer-facing routes. Schemas check shapes and sizes; the issuer checks
 * patterns (tenant ids, templates, tag keys) so each mistake gets its own stable code.
 */
export const tenantParams = {
  type: 'object',
  required: ['tenant'],
  properties: { tenant: { type: 'string', minLength: 1, maxLength: 63, description: 'Tenant id' } },
} as const;

/** A token config's routes: `/tenants/{tenant}/token-configs/{name}/…`. */
export const tokenConfigParams = {
  type: 'object',
  required: ['tenant', 'name'],
  properties: { ...tenantParams.properties, name: { type: 'string', minLength: 1, maxLength: 100, description: 'Token config name' } },
} as const;

export const tenantSchema = {
  type: 'object',
  required: ['id', 'name', 'issuer', 'signingAlgorithm', 'createdAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    issuer: { type: 'string', description: 'The issuer URL, byte-exact as in tokens and the IAM OIDC provider' },
    signingAlgorithm: { type: 'string', enum: ['ES256', 'RS256'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const sessionTagsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['principalTags'],
  description: 'AWS session tags carried in the `https://aws.amazon.com/tags` claim; values may use {deployment} etc.',
  properties: {
    // Bounds above AWS's (50 tags, keys ≤ 128, values ≤ 256) so the issuer's check answers with its own rule.
    principalTags: { type: 'object', maxProperties: 200, additionalProperties: { type: 'string', maxLength: 1024 } },
    transitiveTagKeys: { type: 'array', maxItems: 200, items: { type: 'string', maxLength: 1024 } },
  },
} as const;

export const tokenConfigSchema = {
  type: 'object',
  required: ['name', 'audience', 'subjectTemplate', 'lifetimeSeconds', 'claims', 'sessionTags', 'createdAt'],
  properties: {
    name: { type: 'string' },
    audience: { type: 'string' },
    subjectTemplate: { type: 'string' },
    lifetimeSeconds: { type: 'integer' },
    claims: { type: 'object', additionalProperties: true },
    sessionTags: {
      anyOf: [
        {
          type: 'object',
          properties: {
            principalTags: { type: 'object', additionalProperties: { type: 'string' } },
            transitiveTagKeys: { type: 'array', items: { type: 'string' } },
          },
        },
        { type: 'null' },
      ],
    },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const workloadSchema = {
  type: 'object',
  required: ['id', 'deployment', 'component', 'region', 'subject', 'createdAt'],
  properties: {
    id: { type: 'string' },
    deployment: { type: 'string' },
    component: { type: 'string' },
    region: { type: ['string', 'null'] },
    subject: { type: ['string', 'null'], description: "`sub` under the tenant's default token config; null when there is none" },
    createdAt: { type: 'string', format: 'date-time' },
    disabledAt: { type: ['string', 'null'], format: 'date-time', description: 'When it was disabled (its secret no longer works); null while enabled' },
  },
} as const;

export const signingKeySchema = {
  type: 'object',
  properties: {
    kid: { type: 'string' },
    algorithm: { type: 'string' },
    state: { type: 'string', enum: ['next', 'active', 'retired', 'revoked'] },
    published: { type: 'boolean', description: 'In the JWKS now' },
    createdAt: { type: 'string', format: 'date-time' },
    activatedAt: { type: ['string', 'null'], format: 'date-time' },
    retiredAt: { type: ['string', 'null'], format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    ageSeconds: { type: 'integer' },
    custody: { type: 'string', enum: ['local', 'kms'], description: 'Sealed under the master key, or held in AWS KMS' },
    kmsKeyArn: { type: 'string', description: 'The KMS key holding the private key (custody kms)' },
  },
} as const;

export const keysResponseSchema = { type: 'object', properties: { keys: { type: 'array', items: signingKeySchema } } } as const;
