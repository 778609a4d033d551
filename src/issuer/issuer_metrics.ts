import { Counter, Gauge, type Registry } from 'prom-client';
import type { KeyRing } from './key_ring.js';
import { keyState } from './key_rotation.js';

/**
 * Registers `rolebridge_tokens_issued_total{tenant}` and `rolebridge_signing_key_age_seconds{tenant,kid,state}`
 * (computed at scrape time from the tenants this server has loaded); returns the function that counts a token.
 */
export function registerIssuerMetrics(registry: Registry, keyRing: KeyRing, now: () => number): (tenantId: string) => void {
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
  // Counted per token as a plain number (a label child would hash the label set every time); a scrape
  // adds the counts to the counter.
  const issued = new Map<string, { count: number }>();
  const counter = new Counter({
    name: 'rolebridge_tokens_issued_total',
    help: 'Tokens issued, by tenant.',
    labelNames: ['tenant'],
    registers: [registry],
    collect() {
      drain(this);
    },
  });
  function drain(into: Counter<'tenant'>): void {
    for (const [tenant, slot] of issued) {
      if (slot.count === 0) continue;
      into.inc({ tenant }, slot.count);
      slot.count = 0;
    }
  }
  return (tenantId) => {
    let slot = issued.get(tenantId);
    if (!slot) {
      if (issued.size >= 10_000) {
        drain(counter); // keep the counts, bound the map
        issued.clear();
      }
      issued.set(tenantId, (slot = { count: 0 }));
    }
    slot.count++;
  };
}
