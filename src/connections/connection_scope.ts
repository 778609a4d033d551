import { assertScopeFitsTemplate, formatSetupScope, parseSetupScope, workloadInScope, type ScopedWorkload, type SetupScope } from '../claims/index.js';
import { ForbiddenError, InvalidInputError } from '../core/index.js';

/**
 * The scope a connection serves, checked when it is created: the API's scope syntax, expressible by the
 * token config's subject template (so its trust policy can pin exactly it), returned canonical for storage.
 */
export function connectionScopeOf(text: string, subjectTemplate: string, workload: ScopedWorkload | undefined): { scope: SetupScope; text: string } {
  const scope = parseSetupScope(text);
  assertScopeFitsTemplate(subjectTemplate, scope);
  if (workload !== undefined && !workloadInScope(scope, workload)) {
    throw new InvalidInputError('workload_outside_scope', `Workload ${workload.id} is not in the scope ${formatSetupScope(scope)} the connection serves, so it cannot verify it.`, {
      workload: workload.id,
      scope: formatSetupScope(scope),
    });
  }
  return { scope, text: formatSetupScope(scope) };
}

/** Refuses a workload outside the scope a connection serves (403 `workload_outside_connection_scope`). */
export function assertWorkloadServed(connection: string, scope: SetupScope | null, workload: ScopedWorkload): void {
  if (scope === null || workloadInScope(scope, workload)) return;
  throw new ForbiddenError(
    'workload_outside_connection_scope',
    `Connection ${connection} serves ${formatSetupScope(scope)}; workload ${workload.id} (${workload.deployment}/${workload.component}${workload.region ? `/${workload.region}` : ''}) is outside it.`,
  );
}
