import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  parseSubjectTemplate,
  renderSubjectTemplate,
  SUBJECT_PLACEHOLDERS,
  type SubjectPlaceholder,
  type SubjectValues,
} from '../../src/issuer/subject_template.js';
import { RolebridgeError } from '../../src/core/index.js';

const valueChar = fc.constantFrom(...'abcXYZ019._-'.split(''));
const value = fc.string({ unit: valueChar, minLength: 1, maxLength: 12 });
const anyValues = fc.record({
  tenant: value,
  deployment: value,
  component: value,
  region: value,
  workload: value,
});
/** Values over a tiny alphabet, so that a non-injective template would collide often. */
const tinyValue = fc.string({ unit: fc.constantFrom('a', '-', '.'), minLength: 1, maxLength: 3 });
const collidingValues = fc.record({ tenant: tinyValue, deployment: tinyValue, component: tinyValue, region: tinyValue, workload: tinyValue });
const separatorLiteral = fc
  .tuple(fc.string({ unit: valueChar, maxLength: 3 }), fc.constantFrom(':', '/', '@', '=', '+'), fc.string({ unit: valueChar, maxLength: 3 }))
  .map(([a, s, b]) => a + s + b);

/** Valid templates: placeholders separated by literals that contain a separator. */
const validTemplate = fc
  .tuple(
    fc.string({ unit: valueChar, maxLength: 4 }),
    fc.array(fc.tuple(fc.constantFrom(...SUBJECT_PLACEHOLDERS), separatorLiteral), { minLength: 1, maxLength: 6 }),
  )
  .map(([head, items]) => head + items.map(([p, lit], i) => `{${p}}` + (i < items.length - 1 ? lit : lit.slice(0, 1) === ':' ? lit : '')).join(''));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof RolebridgeError ? error.code : 'not_a_rolebridge_error';
  }
}

describe('parseSubjectTemplate', () => {
  it('accepts the documented placeholders and renders them', () => {
    const t = parseSubjectTemplate('tenant:{tenant}:deployment:{deployment}:component:{component}');
    expect(t.placeholders).toEqual(['tenant', 'deployment', 'component']);
    expect(renderSubjectTemplate(t, { tenant: 'acme', deployment: 'prod', component: 'api' })).toBe('tenant:acme:deployment:prod:component:api');
  });

  it('names an unknown placeholder', () => {
    let error: unknown;
    try {
      parseSubjectTemplate('tenant:{tenant}:user:{user}');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RolebridgeError);
    expect((error as RolebridgeError).code).toBe('invalid_subject_template');
    expect((error as RolebridgeError).status).toBe(400);
    expect((error as RolebridgeError).message).toContain('{user}');
    expect((error as RolebridgeError).details).toMatchObject({ placeholder: 'user' });
  });

  it.each([
    ['{deployment}{component}', 'adjacent placeholders'],
    ['{deployment}-{component}', 'a literal values may contain'],
    ['{deployment}._{component}', 'only value characters between'],
    ['repo:{deployment}:*', 'a wildcard literal'],
    ['repo:{deployment}:?', 'a question mark'],
    ['a {deployment}', 'whitespace'],
    ['{deployment', 'unbalanced brace'],
    ['deployment}', 'unbalanced brace'],
    ['static-subject', 'no placeholder'],
    ['', 'empty'],
    ['x'.repeat(256) + '{tenant}', 'too long'],
  ])('refuses %s (%s)', (source) => {
    expect(codeOf(() => parseSubjectTemplate(source))).toBe('invalid_subject_template');
  });

  it('rejects any unknown placeholder name (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 12 }).filter((s) => !(SUBJECT_PLACEHOLDERS as readonly string[]).includes(s)), (name) => {
        expect(codeOf(() => parseSubjectTemplate(`x:{${name}}`))).toBe('invalid_subject_template');
      }),
    );
  });
});

describe('renderSubjectTemplate', () => {
  it('refuses values that could inject pattern or separator characters', () => {
    const t = parseSubjectTemplate('deployment:{deployment}');
    for (const bad of ['a:b', 'a*', 'a?', 'a/b', '', 'x'.repeat(65), 'é', 'a b']) {
      expect(codeOf(() => renderSubjectTemplate(t, { deployment: bad }))).toBe('invalid_attribute_value');
    }
  });

  it('is a 422 when a placeholder has no value', () => {
    const t = parseSubjectTemplate('d:{deployment}:r:{region}');
    expect(codeOf(() => renderSubjectTemplate(t, { deployment: 'prod' }))).toBe('subject_value_missing');
  });

  it('never throws for valid values, and never lets a value add : * or ? (property)', () => {
    fc.assert(
      fc.property(validTemplate, anyValues, (source, values) => {
        const template = parseSubjectTemplate(source);
        const subject = renderSubjectTemplate(template, values);
        const literalOnly = renderSubjectTemplate(template, {
          tenant: 'a',
          deployment: 'a',
          component: 'a',
          region: 'a',
          workload: 'a',
        });
        const count = (s: string, c: string): number => s.split(c).length - 1;
        for (const c of [':', '*', '?']) expect(count(subject, c)).toBe(count(literalOnly, c));
      }),
    );
  });

  it('is injective: distinct value tuples on the mentioned placeholders give distinct subjects (property)', () => {
    fc.assert(
      fc.property(validTemplate, collidingValues, collidingValues, (source, a, b) => {
        const template = parseSubjectTemplate(source);
        const differs = template.placeholders.some((p: SubjectPlaceholder) => a[p] !== b[p]);
        const sa = renderSubjectTemplate(template, a);
        const sb = renderSubjectTemplate(template, b);
        expect(sa === sb).toBe(!differs);
      }),
      { numRuns: 2000 },
    );
  });

  it('is injective on adversarial near-collisions (values sharing prefixes and separators-free chars)', () => {
    const template = parseSubjectTemplate('{deployment}:{component}');
    const tricky: SubjectValues[] = [
      { deployment: 'a-b', component: 'c' },
      { deployment: 'a', component: 'b-c' },
      { deployment: 'a.b', component: 'c' },
      { deployment: 'a', component: 'b.c' },
    ];
    const subjects = tricky.map((v) => renderSubjectTemplate(template, v));
    expect(new Set(subjects).size).toBe(tricky.length);
  });

  it('any template the parser accepts, even from arbitrary text, renders injectively (exhaustive over a small domain)', () => {
    const piece = fc.oneof(
      fc.constantFrom(...SUBJECT_PLACEHOLDERS).map((p) => `{${p}}`),
      fc.string({ unit: fc.constantFrom(...'a-.:/@=+*? {}'.split('')), maxLength: 3 }),
    );
    const anyTemplate = fc.array(piece, { minLength: 1, maxLength: 7 }).map((parts) => parts.join(''));
    // Values chosen so that any missing separator shows: 'a-' + 'a' and 'a' + '-a' both give 'a-a'.
    const domain = ['a', '-', 'a-', '-a', 'a-a'];
    fc.assert(
      fc.property(anyTemplate, (source) => {
        let template;
        try {
          template = parseSubjectTemplate(source);
        } catch (error) {
          expect((error as RolebridgeError).code).toBe('invalid_subject_template');
          return;
        }
        const mentioned = template.placeholders.slice(0, 3);
        const seen = new Map<string, string>();
        const assign = (index: number, values: SubjectValues): void => {
          if (index === mentioned.length) {
            const full = { tenant: 'a', deployment: 'a', component: 'a', region: 'a', workload: 'a', ...values };
            const subject = renderSubjectTemplate(template, full);
            const key = JSON.stringify(mentioned.map((p) => full[p]));
            expect(seen.get(subject) ?? key, `${source} renders ${subject} for two tuples`).toBe(key);
            seen.set(subject, key);
            return;
          }
          for (const value of domain) assign(index + 1, { ...values, [mentioned[index]!]: value });
        };
        if (template.placeholders.length <= 3) assign(0, {});
      }),
      { numRuns: 1500 },
    );
  });
});
