import { describe, expect, it } from 'vitest';
import { OPERATOR_ROLES, PERMISSIONS, ROLE_PERMISSIONS, roleAllows } from '../../src/access/index.js';

describe('the permission table', () => {
  it('gives an admin every permission there is, and each role everything the role below it has', () => {
    expect([...ROLE_PERMISSIONS.admin].sort()).toEqual([...PERMISSIONS].sort());
    for (const permission of ROLE_PERMISSIONS.viewer) expect(roleAllows('operator', permission), permission).toBe(true);
    for (const permission of ROLE_PERMISSIONS.operator) expect(roleAllows('admin', permission), permission).toBe(true);
  });

  it('keeps changes to the admin: a viewer only reads, an operator also tests, rotates and issues set-up codes', () => {
    expect(ROLE_PERMISSIONS.viewer.filter((permission) => !permission.endsWith('.read'))).toEqual(['policy.evaluate']);
    expect(ROLE_PERMISSIONS.operator.filter((permission) => !ROLE_PERMISSIONS.viewer.includes(permission))).toEqual([
      'tokens.mint_test',
      'connections.test',
      'keys.rotate',
      'setup_codes.create',
    ]);
    for (const role of OPERATOR_ROLES) {
      expect(new Set(ROLE_PERMISSIONS[role]).size, role).toBe(ROLE_PERMISSIONS[role].length);
    }
  });
});
