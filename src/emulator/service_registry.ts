import type { EmulatorService, RestService } from './emulator_service.js';
import { iamService } from './iam/iam_service.js';
import { kmsService } from './kms/index.js';
import { s3Service } from './s3/index.js';
import { redshiftServices } from './redshift/index.js';
import { stsService } from './sts/sts_service.js';

/**
 * The emulated services, by SigV4 signing name. Adding a service: write its EmulatorService in its
 * own folder and list it here.
 */
export const defaultServices: readonly EmulatorService[] = [stsService, iamService, ...redshiftServices, kmsService, s3Service];

export class ServiceRegistry {
  private readonly bySigningName = new Map<string, EmulatorService>();

  constructor(services: readonly EmulatorService[]) {
    for (const service of services) this.bySigningName.set(service.signingName, service);
  }

  bySigning(name: string): EmulatorService | undefined {
    return this.bySigningName.get(name);
  }

  /** The service an unsigned request goes to: the one listing the action as unsigned (STS's web identity). */
  forUnsigned(action: string): EmulatorService | undefined {
    return [...this.bySigningName.values()].find((service) => service.protocol !== 'rest' && service.unsignedActions?.has(action));
  }

  /**
   * The REST service (S3) a request belongs to: signed for it, or unsigned with a path and no Query
   * action (an anonymous object read). Query and JSON requests never reach it.
   */
  restFor(signingName: string | undefined, action: string, path: string): RestService | undefined {
    const rest = [...this.bySigningName.values()].filter((service): service is RestService => service.protocol === 'rest');
    if (signingName !== undefined) return rest.find((service) => service.signingName === signingName);
    return action === '' && path !== '/' ? rest[0] : undefined;
  }

  /** JSON-protocol services are found by their `X-Amz-Target` prefix. */
  byTargetPrefix(prefix: string): EmulatorService | undefined {
    return [...this.bySigningName.values()].find((service) => service.protocol === 'json' && service.targetPrefix === prefix);
  }
}
