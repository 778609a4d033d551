import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SESSION_NAME_PATTERN, sessionNameFor } from '../../src/broker/index.js';

describe('sessionNameFor', () => {
  it('names the workload and the token so CloudTrail lines up with the audit log', () => {
    expect(sessionNameFor('wl_7f3a9c', 'f2c1e0d4-aaaa')).toBe('rb-wl_7f3a9c-f2c1e0d4-aaaa');
  });

  it('always satisfies AWS\'s RoleSessionName rule, whatever the ids (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (workloadId, jti) => {
        expect(sessionNameFor(workloadId, jti)).toMatch(SESSION_NAME_PATTERN);
      }),
    );
  });

  it('keeps a prefix of the jti even for long workload ids', () => {
    const name = sessionNameFor('w'.repeat(100), 'abcdef0123456789abcdef');
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toContain('-abcdef0123456789abcd');
  });
});
