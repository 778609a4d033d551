import { describe, expect, it } from 'vitest';
import { conditionAdmits } from '../../src/policy/index.js';

describe('conditionAdmits', () => {
  it('matches wildcards only for the Like operators, and negates the Not operators', () => {
    expect(conditionAdmits('StringLike', ['tenant:acme:*'], 'tenant:acme:deployment:prod')).toBe(true);
    expect(conditionAdmits('StringNotLike', ['tenant:acme:*'], 'tenant:acme:deployment:prod')).toBe(false);
    expect(conditionAdmits('StringNotLike', ['tenant:other:*'], 'tenant:acme:deployment:prod')).toBe(true);
    expect(conditionAdmits('StringEquals', ['tenant:acme:*'], 'tenant:acme:deployment:prod')).toBe(false);
    expect(conditionAdmits('StringNotEquals', ['a'], 'a')).toBe(false);
    expect(conditionAdmits('StringEqualsIgnoreCase', ['ABC'], 'abc')).toBe(true);
    expect(conditionAdmits('stringlike', ['a?c'], 'abc')).toBe(true);
    expect(conditionAdmits('ForAnyValue:StringLike', ['a*'], 'abc')).toBe(true);
    expect(conditionAdmits('StringLikeIfExists', ['a*'], 'xbc')).toBe(false);
  });

  it('knows no answer for an unknown operator or Null', () => {
    expect(conditionAdmits('StringSortOf', ['a'], 'a')).toBeUndefined();
    expect(conditionAdmits('Null', ['true'], 'a')).toBeUndefined();
  });
});
