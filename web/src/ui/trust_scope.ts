/** Who a trust policy admits, as the operator picks it in the console. */
export type ScopeKind = 'workload' | 'deployment' | 'component' | 'tenant';

export interface ScopeChoice {
  kind: ScopeKind;
  workload: string;
  deployment: string;
  component: string;
  region: string;
}

/**
 * The API's `scope` for a choice (CONTRACT "Subjects"): `workload:<id>`, `tenant`, or any comma-joined subset of
 * `deployment:<d>`, `component:<c>`, `region:<r>` (the placeholders left out become `*`). `component:<c>` alone is
 * that component in every deployment. Undefined while the choice still lacks what its kind needs.
 */
export function scopeOf(choice: ScopeChoice): string | undefined {
  const pins = (names: Array<'deployment' | 'component' | 'region'>): string[] =>
    names.filter((name) => choice[name].trim() !== '').map((name) => `${name}:${choice[name].trim()}`);
  switch (choice.kind) {
    case 'workload':
      return choice.workload ? `workload:${choice.workload}` : undefined;
    case 'deployment':
      return choice.deployment.trim() ? pins(['deployment', 'component', 'region']).join(',') : undefined;
    case 'component':
      return choice.component.trim() ? pins(['component', 'region']).join(',') : undefined;
    case 'tenant':
      return 'tenant';
  }
}
