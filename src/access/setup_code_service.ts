import type { Issuer } from '../issuer/index.js';
import type { Store } from '../store/index.js';
import { exchangeSetupCode, issueSetupCode, type IssuedSetupCode, type SetupCodeRequest, type StartedSetupSession } from './setup_codes.js';

/** Set-up codes as the server uses them: issue one for a tenant, exchange one (once) for a set-up session. */
export class SetupCodeService {
  constructor(private readonly deps: { store: Store; issuer: Issuer; now: () => number }) {}

  issue(tenant: string, request: SetupCodeRequest, by: { actor: string; requestId: string }): Promise<IssuedSetupCode> {
    return issueSetupCode(this.deps, tenant, request, by);
  }

  exchange(code: string, requestId: string): Promise<StartedSetupSession> {
    return exchangeSetupCode(this.deps, code, requestId);
  }
}
