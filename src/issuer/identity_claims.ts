import { renderAwsTagsClaim, AWS_TAGS_CLAIM } from './session_tags.js';
import type { SubjectValues } from './subject_template.js';
import type { CompiledTokenConfig } from './token_config.js';

/**
 * The claims that say whom a token is for, after iss, sub, aud and the times: built here once for issued
 * tokens and for the doctor's probe tokens, so a probe carries exactly the claim set of a real token of
 * the neighbour it impersonates.
 */
export function identityClaims(config: CompiledTokenConfig, values: SubjectValues): Record<string, unknown> {
  return {
    tenant_id: values.tenant,
    ...(values.workload === undefined ? {} : { workload_id: values.workload }),
    deployment: values.deployment,
    component: values.component,
    ...(values.region === undefined ? {} : { region: values.region }),
    ...config.claims,
    ...(config.sessionTags ? { [AWS_TAGS_CLAIM]: renderAwsTagsClaim(config.sessionTags, values) } : {}),
  };
}
