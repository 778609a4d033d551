import { Counter, Gauge, type Registry } from 'prom-client';
import type { KeyRing } from './key_ring.js';
import { keyState } from './key_rotation.js';

/**
 * `rolebridge_tokens_issued_total{tenant}` and `rolebridge_signing_key_age_seconds{tenant,kid,state}`
 * (computed at scrape time from the tenants this server has loaded).
 */
export function registerIssuerMetrics(registry: Registry, keyRing: KeyRing, now: () => number): Counter<'tenant'> {
  new Gauge({
    name: 'rolebridge_signing_key_age_seconds',
    help: 'Age of each signing key of the tenants this server has loaded, by state.',
    labelNames: ['tenant', 'kid', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const tenant of keyRing.loadedTenants()) {
        for (const key of tenant.keys) {
          this.set({ tenant: tenant.tenantId, kid: key.kid, state: keyState(key) }, Math.max(0, (now() - key.createdAt) / 1000));
        }
      }
    },
  });
  return new Counter({
    name: 'rolebridge_tokens_issued_total',
    help: 'Tokens issued, by tenant.',
    labelNames: ['tenant'],
    registers: [registry],
  });
}
