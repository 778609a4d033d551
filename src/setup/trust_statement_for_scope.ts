import { subjectPattern, trustPolicyFor, type PolicyStatementJson, type SubjectScope } from '../policy/index.js';
import { ROLEBRIDGE_SID_PREFIX } from './merge_trust_statement.js';
import { alphanumeric } from './plan_setup.js';
import { assertScopeFitsTemplate, scopeSubjectValues, type SetupScope } from '../claims/index.js';

export interface TrustStatementInput {
  accountId: string;
  tenant: string;
  issuerUrl: string;
  tokenConfig: { name: string; audience: string; subjectTemplate: string; sessionTags?: unknown };
  scope: SetupScope;
  /** For a workload scope: its attributes, so its exact `sub` can be rendered. */
  workload?: { id: string; deployment: string; component: string; region?: string | null };
}

/**
 * rolebridge's web-identity trust statement for one scope, from the policy engine's generator (aud
 * pinned, sub exact for a workload, a pattern open only where the scope is), with a Sid naming
 * tenant, token config and scope so that set-up recognises its own statement on later runs.
 * A scope the template cannot express exactly is refused (`assertScopeFitsTemplate`).
 */
export function trustStatementForScope(input: TrustStatementInput): PolicyStatementJson {
  assertScopeFitsTemplate(input.tokenConfig.subjectTemplate, input.scope);
  const policy = trustPolicyFor({
    issuer: input.issuerUrl,
    audience: input.tokenConfig.audience,
    subject: subjectPattern(input.tokenConfig.subjectTemplate, subjectScopeOf(input)),
    accountId: input.accountId,
    sessionTags: Boolean(input.tokenConfig.sessionTags),
  });
  return { ...policy.Statement[0]!, Sid: sidFor(input.tenant, input.tokenConfig.name, input.scope) };
}

/**
 * `RolebridgeAcmeDefaultDeploymentProdComponentApi`: stable per tenant, token config and scope (the
 * attributes in the order deployment, component, region, so earlier set-ups keep their Sid).
 */
export function sidFor(tenant: string, tokenConfig: string, scope: SetupScope): string {
  const scopePart =
    scope.kind === 'workload'
      ? `Workload ${scope.workload}`
      : [
          scope.attributes.deployment === undefined ? '' : `Deployment ${scope.attributes.deployment}`,
          scope.attributes.component === undefined ? '' : `Component ${scope.attributes.component}`,
          scope.attributes.region === undefined ? '' : `Region ${scope.attributes.region}`,
        ].join(' ').trim() || 'Tenant';
  return `${ROLEBRIDGE_SID_PREFIX}${alphanumeric(`${tenant} ${tokenConfig} ${scopePart}`)}`;
}

function subjectScopeOf(input: TrustStatementInput): SubjectScope {
  const { scope, tenant } = input;
  switch (scope.kind) {
    case 'workload': {
      const workload = input.workload;
      if (workload === undefined) throw new Error('trustStatementForScope: a workload scope needs the workload');
      return {
        workload: {
          tenant,
          workload: workload.id,
          deployment: workload.deployment,
          component: workload.component,
          ...(workload.region ? { region: workload.region } : {}),
        },
      };
    }
    case 'attributes':
      return { pinned: scopeSubjectValues(scope, tenant) };
  }
}
