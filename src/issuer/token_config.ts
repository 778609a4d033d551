import { InvalidInputError } from '../core/index.js';
import type { TokenConfigRecord } from '../store/index.js';
import { parseSessionTags, type SessionTags, type SessionTagsInput } from './session_tags.js';
import { parseSubjectTemplate, type SubjectTemplate } from './subject_template.js';
import { assertStaticClaims } from './token_claims.js';

/** What an admin sends to create a token config (CONTRACT.md). */
export interface TokenConfigInput {
  name: string;
  audience?: string;
  subjectTemplate: string;
  lifetimeSeconds?: number;
  claims?: Record<string, unknown>;
  sessionTags?: SessionTagsInput;
}

/** A token config validated and compiled for the hot path. */
export interface CompiledTokenConfig {
  name: string;
  audience: string;
  subjectTemplate: SubjectTemplate;
  lifetimeSeconds: number;
  claims: Record<string, unknown>;
  sessionTags: SessionTags | null;
}

export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
export const DEFAULT_LIFETIME_SECONDS = 300;
export const MIN_LIFETIME_SECONDS = 60;
/** AWS STS sessions from web identity start from tokens; an hour bounds key retention (key_rotation). */
export const MAX_LIFETIME_SECONDS = 3600;
export const TOKEN_CONFIG_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62})$/;
/** The name a tenant gives the config that `POST /token` uses when the request names none. */
export const DEFAULT_TOKEN_CONFIG_NAME = 'default';
const AUDIENCE_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Validates everything before anything is written; throws InvalidInputError with a precise code. */
export function compileTokenConfig(input: TokenConfigInput): CompiledTokenConfig {
  if (!TOKEN_CONFIG_NAME_PATTERN.test(input.name)) {
    throw new InvalidInputError('invalid_token_config_name', 'A token config name is 1–63 characters of [a-z0-9-], starting with a letter or digit.', {
      name: input.name.slice(0, 80),
    });
  }
  const audience = input.audience ?? DEFAULT_AUDIENCE;
  if (!AUDIENCE_PATTERN.test(audience)) {
    throw new InvalidInputError('invalid_audience', 'The audience is 1–255 printable ASCII characters without spaces.', {});
  }
  const lifetimeSeconds = input.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds < MIN_LIFETIME_SECONDS || lifetimeSeconds > MAX_LIFETIME_SECONDS) {
    throw new InvalidInputError(
      'invalid_lifetime',
      `lifetimeSeconds must be a whole number from ${MIN_LIFETIME_SECONDS} to ${MAX_LIFETIME_SECONDS}.`,
      { lifetimeSeconds },
    );
  }
  return {
    name: input.name,
    audience,
    subjectTemplate: parseSubjectTemplate(input.subjectTemplate),
    lifetimeSeconds,
    claims: assertStaticClaims(input.claims ?? {}),
    sessionTags: input.sessionTags === undefined ? null : parseSessionTags(input.sessionTags),
  };
}

/** Recompiles a stored config (it was validated when written). */
export function compileStoredTokenConfig(record: TokenConfigRecord): CompiledTokenConfig {
  return compileTokenConfig({
    name: record.name,
    audience: record.audience,
    subjectTemplate: record.subjectTemplate,
    lifetimeSeconds: record.lifetimeSeconds,
    claims: record.claims,
    ...(record.sessionTags === null ? {} : { sessionTags: record.sessionTags }),
  });
}

/**
 * Which config `POST /token` uses when the request names none: the one named `default`, else the only
 * one. With several and no `default`, the caller must choose (400 `token_config_required`).
 */
export function defaultTokenConfigName(names: readonly string[]): string | undefined {
  if (names.includes(DEFAULT_TOKEN_CONFIG_NAME)) return DEFAULT_TOKEN_CONFIG_NAME;
  return names.length === 1 ? names[0] : undefined;
}
