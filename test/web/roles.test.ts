import { describe, expect, it } from 'vitest';
import { abilitiesFor } from '../../web/src/api/roles.js';

const me = (roles: Array<{ role: 'viewer' | 'operator' | 'admin'; tenant?: string }>) => ({ actor: { type: 'user', sub: 'u1' }, roles, permissions: [] });

describe('what the console offers a role', () => {
  it('offers a viewer nothing that changes, an operator test and rotate, an admin everything', () => {
    expect(abilitiesFor(me([{ role: 'viewer' }]), 'acme')).toEqual({ role: 'viewer', operate: false, change: false, assumed: false });
    expect(abilitiesFor(me([{ role: 'operator' }]), 'acme')).toEqual({ role: 'operator', operate: true, change: false, assumed: false });
    expect(abilitiesFor(me([{ role: 'admin' }]), 'acme')).toEqual({ role: 'admin', operate: true, change: true, assumed: false });
  });

  it('counts a tenant role only in its tenant, and takes the strongest role that applies', () => {
    const mixed = me([{ role: 'viewer' }, { role: 'admin', tenant: 'acme' }]);
    expect(abilitiesFor(mixed, 'acme').role).toBe('admin');
    expect(abilitiesFor(mixed, 'globex').role).toBe('viewer');
    expect(abilitiesFor(me([{ role: 'operator', tenant: 'acme' }]), 'globex')).toMatchObject({ role: undefined, operate: false, change: false });
  });

  it('offers everything when the server cannot say (no /api/v1/me), leaving the refusal to the API', () => {
    expect(abilitiesFor(undefined, 'acme')).toEqual({ role: undefined, operate: true, change: true, assumed: true });
  });
});
