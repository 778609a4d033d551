import { InvalidInputError } from '../core/index.js';
import { SUBJECT_VALUE_PATTERN, type SubjectValues } from './subject_values.js';

/** The workload attributes a scope may pin; the tenant is always pinned (each tenant has its own issuer). */
export const SCOPE_ATTRIBUTES = ['deployment', 'component', 'region'] as const;
export type ScopeAttribute = (typeof SCOPE_ATTRIBUTES)[number];
export type ScopeAttributes = Partial<Record<ScopeAttribute, string>>;

/**
 * Which workloads a role trusts: one workload, or every workload whose attributes match the pinned ones
 * (any subset of deployment, component and region; none pinned is the whole tenant).
 */
export type SetupScope = { kind: 'workload'; workload: string } | { kind: 'attributes'; attributes: ScopeAttributes };

/** The attributes of a workload that decide whether it is in a scope. */
export interface ScopedWorkload {
  id: string;
  deployment: string;
  component: string;
  region?: string | null;
}

const SCOPE_SYNTAX = 'workload:<id>, tenant, or any comma-joined combination of deployment:<d>, component:<c>, region:<r>';

/**
 * Parses the API's `scope` parameter: `workload:<id>`, `tenant`, or comma-joined `deployment:<d>`,
 * `component:<c>`, `region:<r>` in any order and combination (each at most once).
 */
export function parseSetupScope(text: string): SetupScope {
  if (text === 'tenant') return { kind: 'attributes', attributes: {} };
  const workload = /^workload:(.+)$/.exec(text);
  if (workload) return { kind: 'workload', workload: checked('workload', workload[1]!) };
  const attributes: ScopeAttributes = {};
  for (const item of text.split(',')) {
    const match = /^([a-z]+):(.*)$/.exec(item);
    const name = match?.[1];
    if (match === null || !isScopeAttribute(name)) {
      throw new InvalidInputError('invalid_scope', `Unknown scope ${JSON.stringify(text)}: use ${SCOPE_SYNTAX}.`, { scope: text });
    }
    if (attributes[name] !== undefined) {
      throw new InvalidInputError('invalid_scope', `The scope names ${name} twice.`, { scope: text, field: name });
    }
    attributes[name] = checked(name, match[2]!);
  }
  return { kind: 'attributes', attributes };
}

/** The canonical text of a scope (attributes in the order deployment, component, region; none: `tenant`). */
export function formatSetupScope(scope: SetupScope): string {
  if (scope.kind === 'workload') return `workload:${scope.workload}`;
  const pinned = SCOPE_ATTRIBUTES.filter((name) => scope.attributes[name] !== undefined).map((name) => `${name}:${scope.attributes[name]!}`);
  return pinned.length === 0 ? 'tenant' : pinned.join(',');
}

/** Whether two scope texts name the same scope (`component:c,deployment:d` is `deployment:d,component:c`); unparsable text never matches. */
export function sameSetupScope(left: string, right: string): boolean {
  try {
    return formatSetupScope(parseSetupScope(left)) === formatSetupScope(parseSetupScope(right));
  } catch {
    return false;
  }
}

/** Whether a workload belongs to a scope. */
export function workloadInScope(scope: SetupScope, workload: ScopedWorkload): boolean {
  if (scope.kind === 'workload') return workload.id === scope.workload;
  return SCOPE_ATTRIBUTES.every((name) => {
    const pinned = scope.attributes[name];
    return pinned === undefined || (workload[name] ?? undefined) === pinned;
  });
}

/** The subject-template values an attribute scope pins: its attributes and the tenant. */
export function scopeSubjectValues(scope: { kind: 'attributes'; attributes: ScopeAttributes }, tenant: string): SubjectValues {
  return { tenant, ...scope.attributes };
}

function isScopeAttribute(name: string | undefined): name is ScopeAttribute {
  return (SCOPE_ATTRIBUTES as readonly (string | undefined)[]).includes(name);
}

function checked(field: string, value: string): string {
  if (!SUBJECT_VALUE_PATTERN.test(value)) {
    throw new InvalidInputError('invalid_scope', `The ${field} in a scope is 1–64 of [A-Za-z0-9._-].`, { field, value });
  }
  return value;
}
