/**
 * PURE model of subjects and claims, shared by the issuer, the policy engine, the doctor and set-up
 * (which runs on the customer's laptop and so cannot import the issuer).
 */
export { SUBJECT_PLACEHOLDERS, SUBJECT_VALUE_PATTERN, type SubjectPlaceholder, type SubjectValues } from './subject_values.js';
export {
  formatSetupScope,
  parseSetupScope,
  sameSetupScope,
  SCOPE_ATTRIBUTES,
  scopeSubjectValues,
  workloadInScope,
  type ScopeAttribute,
  type ScopeAttributes,
  type ScopedWorkload,
  type SetupScope,
} from './setup_scope.js';
export { assertScopeFitsTemplate } from './scope_fits_template.js';
export {
  BUILT_IN_PROVIDER_KEY_CLAIMS,
  CONDITION_KEY_CLAIMS,
  isConditionKeyClaim,
  SINGLE_VALUED_CONDITION_KEY_CLAIMS,
} from './condition_key_claims.js';
