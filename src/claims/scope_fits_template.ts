import { InvalidInputError } from '../core/index.js';
import { formatSetupScope, SCOPE_ATTRIBUTES, type SetupScope } from './setup_scope.js';

/**
 * Refuses a scope that a `sub` pattern of this subject template cannot express exactly, so a generated
 * trust policy never admits more than its scope:
 * - a pinned attribute the template does not mention (`region:eu-west-1` under a template without
 *   `{region}`): the subject does not carry it, so every region would be admitted — `scope_not_in_template`;
 * - a template that starts with a placeholder the scope leaves open (`{deployment}:{component}` with
 *   `component:api`): the pattern would start with `*`, which admits every subject the issuer signs and
 *   which the linter refuses — `scope_not_expressible`.
 * A workload scope pins every placeholder, so it always fits. Placeholders without a separator between them
 * (`{deployment}-{component}`) are `invalid_subject_template`: a wildcard could then take part of a pinned value.
 */
export function assertScopeFitsTemplate(template: string, scope: SetupScope): void {
  // The issuer refuses such templates; checked again here because `policy trust` takes one from the command line.
  for (const match of template.matchAll(/\}([^{}]*)\{/g)) {
    if (!/[:/@=+]/.test(match[1]!)) {
      throw new InvalidInputError('invalid_subject_template', `Placeholders in ${template} need a separator (one of : / @ = +) between them.`, { template });
    }
  }
  if (scope.kind === 'workload') return;
  const mentioned = new Set([...template.matchAll(/\{([a-z_]+)\}/g)].map((match) => match[1]!));
  const missing = SCOPE_ATTRIBUTES.filter((name) => scope.attributes[name] !== undefined && !mentioned.has(name));
  if (missing.length > 0) {
    throw new InvalidInputError(
      'scope_not_in_template',
      `The subject template ${template} has no ${missing.map((name) => `{${name}}`).join(' or ')}, so a token's sub cannot tell workloads apart by ${missing.join(' or ')}; ` +
        'drop it from the scope or add it to the template.',
      { scope: formatSetupScope(scope), template, missing },
    );
  }
  const leading = /^\{([a-z_]+)\}/.exec(template)?.[1];
  const pinned = leading === 'tenant' || (leading !== undefined && scope.attributes[leading as (typeof SCOPE_ATTRIBUTES)[number]] !== undefined);
  if (leading !== undefined && !pinned) {
    throw new InvalidInputError(
      'scope_not_expressible',
      `The subject template ${template} starts with {${leading}}, which the scope ${formatSetupScope(scope)} leaves open: the sub pattern would start with *, ` +
        `admitting every subject the issuer signs. Pin ${leading} in the scope, or start the template with a fixed label.`,
      { scope: formatSetupScope(scope), template, placeholder: leading },
    );
  }
}
