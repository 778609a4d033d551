/**
 * A next key about to start signing, as the check before its promotion sees it: which tenant, which keys,
 * and who asked (an operator's `keys/rotate`, or the key-maintenance schedule).
 */
export interface KeyPromotion {
  tenantId: string;
  issuer: string;
  /** The key that becomes active. */
  nextKid: string;
  /** The key signing now (retired by the promotion); undefined when the tenant has none. */
  activeKid: string | undefined;
  trigger: 'rotate' | 'schedule';
  actor: string;
  requestId?: string;
}

/**
 * Runs before a promotion is written (see KeyRing.change): throws to keep the current key signing (the error is
 * the rotate answer), or resolves to what it found, which the key change's audit event carries.
 */
export type KeyPromotionCheck = (promotion: KeyPromotion) => Promise<Record<string, unknown> | undefined>;
