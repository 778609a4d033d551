import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSetupScope, formatSetupScope, workloadInScope, type ScopeAttributes, type SetupScope } from '../../src/claims/index.js';
import { isRolebridgeError } from '../../src/core/index.js';
import { parseSubjectTemplate, renderSubjectTemplate } from '../../src/issuer/index.js';
import { evaluatePolicy, lintPolicy, oidcProviderArn, webIdentityRequest, type PolicyJson } from '../../src/policy/index.js';
import { trustStatementForScope } from '../../src/setup/index.js';

const ISSUER = 'https://auth.rolebridge.example/t/acme';
const ACCOUNT = '123456789012';
const ATTRIBUTES = ['deployment', 'component', 'region'] as const;

/**
 * Random subject templates: an optional leading literal, then placeholders (some repeated, some missing) each
 * preceded by a literal holding a separator, as `parseSubjectTemplate` demands. Literals reuse value characters
 * and the words values take, so a wildcard that swallowed a literal would show.
 */
const literalWord = fc.constantFrom('', 'a', 'x', 'deployment', 'component', 'region', 'tenant', 'prod', 'api');
const separator = fc.constantFrom(':', '/', '@', '=', '+', '::');
const placeholder = fc.constantFrom('tenant', 'deployment', 'component', 'region', 'workload');
const templateArbitrary = fc
  .record({
    lead: fc.oneof(fc.constant(''), fc.tuple(literalWord, separator).map(([word, sep]) => `${word || 'app'}${sep}`)),
    parts: fc.array(fc.tuple(literalWord, separator, literalWord, placeholder), { minLength: 1, maxLength: 5 }),
    tail: fc.oneof(fc.constant(''), fc.tuple(separator, literalWord).map(([sep, word]) => `${sep}${word}`)),
  })
  .map(({ lead, parts, tail }) =>
    `${lead}${parts.map(([before, sep, after, name], index) => `${index === 0 && lead === '' ? '' : `${before}${sep}${after}`}{${name}}`).join('')}${tail}`,
  )
  .filter((template) => {
    try {
      parseSubjectTemplate(template);
      return template.length <= 120;
    } catch {
      return false;
    }
  });

/** Few distinct values, so in-scope and out-of-scope workloads, and values equal to literals, are both common. */
const value = fc.constantFrom('prod', 'dev', 'api', 'a', 'a-b', 'x.y', 'deployment', 'eu-west-1', 'cube_store');
const workloadArbitrary = fc.record({ id: fc.constantFrom('wl_1', 'wl_2'), deployment: value, component: value, region: value });
const attributesArbitrary: fc.Arbitrary<ScopeAttributes> = fc.record({ deployment: value, component: value, region: value }, { requiredKeys: [] });

function requestFor(sub: string) {
  return webIdentityRequest({ claims: { iss: ISSUER, aud: 'sts.amazonaws.com', sub }, providerArn: oidcProviderArn(ACCOUNT, ISSUER) });
}

describe('scopes over any subset of placeholders', () => {
  it('parses every combination in any order and formats it canonically', () => {
    expect(parseSetupScope('component:cube_store')).toEqual({ kind: 'attributes', attributes: { component: 'cube_store' } });
    expect(formatSetupScope(parseSetupScope('region:eu-west-1,component:api'))).toBe('component:api,region:eu-west-1');
    expect(formatSetupScope(parseSetupScope('tenant'))).toBe('tenant');
    expect(parseSetupScope('workload:wl_1')).toEqual({ kind: 'workload', workload: 'wl_1' });
    for (const bad of ['', 'region:', 'component:a,component:b', 'team:x', 'deployment:a*', 'tenant,region:x', 'deployment:a,,region:b']) {
      expect(() => parseSetupScope(bad), bad).toThrow(expect.objectContaining({ code: 'invalid_scope' }));
    }
  });

  it('every generated policy admits exactly its scope and lints clean (random templates and scopes)', () => {
    fc.assert(
      fc.property(templateArbitrary, attributesArbitrary, fc.array(workloadArbitrary, { minLength: 4, maxLength: 8 }), (template, attributes, workloads) => {
        const scope: SetupScope = { kind: 'attributes', attributes };
        const parsed = parseSubjectTemplate(template);
        let policy: PolicyJson;
        try {
          policy = { Version: '2012-10-17', Statement: [trustStatementForScope({ accountId: ACCOUNT, tenant: 'acme', issuerUrl: ISSUER, tokenConfig: { name: 'aws', audience: 'sts.amazonaws.com', subjectTemplate: template }, scope })] };
        } catch (error) {
          // Refused only when the template cannot express the scope: a pinned attribute it lacks, or a leading open placeholder.
          expect(isRolebridgeError(error) && ['scope_not_in_template', 'scope_not_expressible'].includes(error.code), String(error)).toBe(true);
          const lacksAttribute = ATTRIBUTES.some((name) => attributes[name] !== undefined && !parsed.placeholders.includes(name));
          const leading = parsed.parts[0];
          const leadsOpen = leading !== undefined && 'placeholder' in leading && leading.placeholder !== 'tenant' && (leading.placeholder === 'workload' || attributes[leading.placeholder] === undefined);
          expect(lacksAttribute || leadsOpen).toBe(true);
          return;
        }
        expect(lintPolicy(policy, { issuer: ISSUER }).filter((finding) => finding.severity === 'error')).toEqual([]);
        // Pin some workloads into the scope, so both sides are exercised.
        const candidates = workloads.map((workload, index) => (index % 2 === 0 ? { ...workload, ...attributes } : workload));
        for (const workload of candidates) {
          const sub = renderSubjectTemplate(parsed, { tenant: 'acme', workload: workload.id, deployment: workload.deployment, component: workload.component, region: workload.region });
          const decision = evaluatePolicy(policy, requestFor(sub)).decision;
          expect(decision, `${template} ${formatSetupScope(scope)} ${sub}`).toBe(workloadInScope(scope, workload) ? 'Allowed' : 'ImplicitlyDenied');
        }
        // Another tenant's subject never gets in (its issuer differs too; this checks the sub alone).
        if (parsed.placeholders.includes('tenant')) {
          const other = renderSubjectTemplate(parsed, { tenant: 'globex', workload: 'wl_1', deployment: 'prod', component: 'api', region: 'eu-west-1', ...attributes });
          expect(evaluatePolicy(policy, requestFor(other)).decision).toBe('ImplicitlyDenied');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a workload scope pins the workload exactly', () => {
    fc.assert(
      fc.property(templateArbitrary, workloadArbitrary, workloadArbitrary, (template, workload, other) => {
        const parsed = parseSubjectTemplate(template);
        const statement = trustStatementForScope({
          accountId: ACCOUNT, tenant: 'acme', issuerUrl: ISSUER,
          tokenConfig: { name: 'aws', audience: 'sts.amazonaws.com', subjectTemplate: template },
          scope: { kind: 'workload', workload: workload.id },
          workload,
        });
        const policy: PolicyJson = { Version: '2012-10-17', Statement: [statement] };
        expect(lintPolicy(policy, { issuer: ISSUER }).filter((finding) => finding.severity === 'error')).toEqual([]);
        const subOf = (w: typeof workload) => renderSubjectTemplate(parsed, { tenant: 'acme', workload: w.id, deployment: w.deployment, component: w.component, region: w.region });
        expect(evaluatePolicy(policy, requestFor(subOf(workload))).decision).toBe('Allowed');
        expect(evaluatePolicy(policy, requestFor(subOf(other))).decision).toBe(subOf(other) === subOf(workload) ? 'Allowed' : 'ImplicitlyDenied');
      }),
      { numRuns: 200 },
    );
  });

  it('refuses, with a stable code, a scope the template cannot tell apart', () => {
    const statementFor = (subjectTemplate: string, scope: string) => () =>
      trustStatementForScope({ accountId: ACCOUNT, tenant: 'acme', issuerUrl: ISSUER, tokenConfig: { name: 'aws', audience: 'sts.amazonaws.com', subjectTemplate }, scope: parseSetupScope(scope) });
    expect(statementFor('tenant:{tenant}:deployment:{deployment}', 'region:eu-west-1')).toThrow(expect.objectContaining({ code: 'scope_not_in_template', status: 400 }));
    expect(statementFor('{deployment}:{component}', 'component:api')).toThrow(expect.objectContaining({ code: 'scope_not_expressible', status: 400 }));
    expect(statementFor('{deployment}:{component}', 'deployment:prod')).not.toThrow();
    expect(statementFor('{tenant}:{component}', 'tenant')()).toMatchObject({ Condition: { StringLike: { 'auth.rolebridge.example/t/acme:sub': 'acme:*' } } });
  });
});
