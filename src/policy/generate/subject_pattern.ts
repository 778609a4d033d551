import { SUBJECT_PLACEHOLDERS, type SubjectPlaceholder } from '../../claims/index.js';
import { InvalidInputError } from '../../core/index.js';

export { SUBJECT_PLACEHOLDERS, type SubjectPlaceholder };

/**
 * Who a trust policy admits:
 * - `{ workload: {...} }` one workload (every placeholder it names is pinned),
 * - `{ deployment, component }` one component of a deployment, in every region,
 * - `{ deployment }` every component of a deployment,
 * - `{ tenant }` every deployment of the tenant;
 * - `{ pinned }` any subset of the placeholders (`{ tenant, component }`: one component in every deployment).
 */
export type SubjectScope =
  | { readonly workload: Readonly<Partial<Record<SubjectPlaceholder, string>>> }
  | { readonly pinned: Readonly<Partial<Record<SubjectPlaceholder, string>>> }
  | { readonly deployment: string; readonly component: string; readonly tenant?: string }
  | { readonly deployment: string; readonly tenant?: string }
  | { readonly tenant: string };

/**
 * The `sub` pattern for a subject template and a scope: placeholders the scope pins are filled in, the others
 * become `*`, and a tail of only labels and wildcards collapses to one `*`
 * (`app:deployment:12:component:*:region:*` → `app:deployment:12:*`). Without a wildcard the pattern is exact.
 */
export function subjectPattern(template: string, scope: SubjectScope): string {
  const values = scopeValues(scope);
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && (/[*?]/.test(value) || value === '')) {
      throw new InvalidInputError('invalid_subject_scope', `The ${name} "${value}" must be a non-empty value without * or ?.`, { [name]: value });
    }
  }
  const filled = template.replace(/\{([a-z_]+)\}/g, (_match, name: string) => values[name as SubjectPlaceholder] ?? '*');
  return collapseTrailingWildcards(filled, template);
}

function scopeValues(scope: SubjectScope): Partial<Record<SubjectPlaceholder, string>> {
  if ('workload' in scope) return scope.workload;
  if ('pinned' in scope) return scope.pinned;
  if ('component' in scope) return { deployment: scope.deployment, component: scope.component, ...(scope.tenant ? { tenant: scope.tenant } : {}) };
  if ('deployment' in scope) return { deployment: scope.deployment, ...(scope.tenant ? { tenant: scope.tenant } : {}) };
  return { tenant: scope.tenant };
}

/**
 * Drops the tail after the last pinned value when it holds a wildcard, so the pattern reads as the scope it
 * means. The template's leading labels always stay (`app:deployment:*`, never a bare `*`).
 */
function collapseTrailingWildcards(pattern: string, template: string): string {
  const segments = pattern.split(':');
  const templateSegments = template.split(':');
  if (segments.length !== templateSegments.length) return pattern;
  const isPlaceholder = (index: number) => /\{[a-z_]+\}/.test(templateSegments[index]!);
  let leadingLabels = 0;
  while (leadingLabels < segments.length && !isPlaceholder(leadingLabels)) leadingLabels += 1;
  let lastPinned = -1;
  segments.forEach((segment, index) => {
    if (isPlaceholder(index) && segment !== '*') lastPinned = index;
  });
  const keep = Math.max(lastPinned + 1, leadingLabels);
  if (keep >= segments.length || !segments.slice(keep).includes('*')) return pattern;
  return [...segments.slice(0, keep), '*'].join(':');
}
