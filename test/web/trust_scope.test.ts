import { describe, expect, it } from 'vitest';
import { scopeOf, type ScopeChoice } from '../../web/src/ui/trust_scope.js';

const choice = (overrides: Partial<ScopeChoice>): ScopeChoice => ({ kind: 'tenant', workload: '', deployment: '', component: '', region: '', ...overrides });

describe("the trust-policy scope picker's scope", () => {
  it('names one workload or the whole tenant', () => {
    expect(scopeOf(choice({ kind: 'workload', workload: 'wl_1' }))).toBe('workload:wl_1');
    expect(scopeOf(choice({ kind: 'workload' }))).toBeUndefined();
    expect(scopeOf(choice({ kind: 'tenant', component: 'ignored' }))).toBe('tenant');
  });

  it('joins any subset of deployment, component and region with commas, in that order', () => {
    expect(scopeOf(choice({ kind: 'deployment', deployment: 'prod' }))).toBe('deployment:prod');
    expect(scopeOf(choice({ kind: 'deployment', deployment: 'prod', component: 'etl', region: 'eu-west-1' }))).toBe('deployment:prod,component:etl,region:eu-west-1');
    expect(scopeOf(choice({ kind: 'deployment', component: 'etl' }))).toBeUndefined();
  });

  it('offers a component across deployments: component alone, or with a region', () => {
    expect(scopeOf(choice({ kind: 'component', component: 'cube_store', deployment: 'left-over' }))).toBe('component:cube_store');
    expect(scopeOf(choice({ kind: 'component', component: ' cube_store ', region: 'us-east-1' }))).toBe('component:cube_store,region:us-east-1');
    expect(scopeOf(choice({ kind: 'component', region: 'us-east-1' }))).toBeUndefined();
  });
});
