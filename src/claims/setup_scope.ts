import { InvalidInputError } from '../core/index.js';
import { SUBJECT_VALUE_PATTERN } from './subject_values.js';

/** Which workloads a role trusts: one workload, a deployment (optionally one component), or the whole tenant. */
export type SetupScope =
  | { kind: 'workload'; workload: string }
  | { kind: 'deployment'; deployment: string; component?: string }
  | { kind: 'tenant' };

/** Parses the API's `scope` parameter: `workload:<id>`, `deployment:<d>[,component:<c>]`, `tenant`. */
export function parseSetupScope(text: string): SetupScope {
  if (text === 'tenant') return { kind: 'tenant' };
  const workload = /^workload:(.+)$/.exec(text);
  if (workload) return { kind: 'workload', workload: checked('workload', workload[1]!) };
  const deployment = /^deployment:([^,]+)(?:,component:(.+))?$/.exec(text);
  if (deployment) {
    return {
      kind: 'deployment',
      deployment: checked('deployment', deployment[1]!),
      ...(deployment[2] === undefined ? {} : { component: checked('component', deployment[2]) }),
    };
  }
  throw new InvalidInputError('invalid_scope', `Unknown scope ${JSON.stringify(text)}: use workload:<id>, deployment:<d>[,component:<c>] or tenant.`, {
    scope: text,
  });
}

export function formatSetupScope(scope: SetupScope): string {
  switch (scope.kind) {
    case 'workload':
      return `workload:${scope.workload}`;
    case 'deployment':
      return `deployment:${scope.deployment}${scope.component === undefined ? '' : `,component:${scope.component}`}`;
    case 'tenant':
      return 'tenant';
  }
}

function checked(field: string, value: string): string {
  if (!SUBJECT_VALUE_PATTERN.test(value)) {
    throw new InvalidInputError('invalid_scope', `The ${field} in a scope is 1–64 of [A-Za-z0-9._-].`, { field, value });
  }
  return value;
}
