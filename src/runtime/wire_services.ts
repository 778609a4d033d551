import { ApiKeyService, Authenticator, ConsoleSignIn, createOperatorIdp, OperatorSessions, SetupCodeService, type SessionLifetimes } from '../access/index.js';
import { createBrokerServices, type BrokerServicesOptions } from '../broker/index.js';
import type { Config } from '../config/index.js';
import { createConnectionService, type VerificationFailure, type VerifyRetryOptions } from '../connections/index.js';
import { createDbAuthService } from '../db_auth/index.js';
import { createConnectionDriftWatch, createDoctorService, createRotationCanary, diagnoseVerificationFailure, type DriftWatch } from '../doctor/index.js';
import { DEFAULT_ROTATION_POLICY, Issuer, KmsKeyCustody, publishedJwksCheck, type KeyPromotionCheck, type KmsKeyCustodyOptions } from '../issuer/index.js';
import type { Logger, Metrics, ServerDeps } from '../server/index.js';
import type { ChangeFeed, Store, WorkloadRecord } from '../store/index.js';
import { auditTrail } from './audit_trail.js';
import { databaseReadiness } from './database_readiness.js';

export interface WiringOptions {
  config: Config;
  store: Store;
  masterKey: Buffer;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  /** Where token signatures are made: a signing thread fed in batches (default) or inline (the bench compares both). */
  issuerSigning?: 'worker' | 'inline';
  /** Broker tuning: STS endpoint override (else the SDK reads AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL), cache, verification retries. */
  broker?: Pick<BrokerServicesOptions, 'sts' | 'cache'> & { verifyRetry?: VerifyRetryOptions };
  /** What other replicas change (PostgreSQL); the caches built here subscribe to it. */
  changes?: ChangeFeed;
  /** Many replicas: a claim for each interval of a cluster job (see store.clusterJobs); absent on SQLite. */
  clusterClaim?: (job: string, intervalMs: number) => () => Promise<boolean>;
  /** KMS custody settings beyond the configuration (tests: endpoint, credentials, retry timing). */
  kms?: KmsKeyCustodyOptions;
  /** Operator session idle and absolute lifetimes (default 2 h idle, 12 h absolute). */
  sessionLifetimes?: SessionLifetimes;
}

export interface WiredServices {
  deps: ServerDeps;
  /** The doctor's scheduled re-test of every connection, when an interval is configured (not started yet). */
  driftWatch: DriftWatch | undefined;
}

/**
 * The one place services are built and joined: the issuer signs the broker's tokens, the broker's chain
 * runner serves verify-before-save and the doctor, the doctor explains a failed verification. Routes get
 * these ready-made.
 */
export function wireServices(options: WiringOptions): WiredServices {
  const { config, store, logger, metrics, now } = options;
  // Always there (it calls AWS only when used): a tenant may keep KMS keys after custody went back to local.
  const kms = new KmsKeyCustody({ ...(config.kmsRegion ? { region: config.kmsRegion } : {}), ...options.kms });
  // The rotation canary exchanges through the broker's chain runner, which needs the issuer first: joined below.
  const late: { rotationCanary?: KeyPromotionCheck } = {};
  const issuer = new Issuer({
    custody: config.keyCustody,
    kms,
    ...(config.issuerPublished ? { publishedCheck: publishedJwksCheck() } : {}),
    promotionCheck: (promotion) => (late.rotationCanary === undefined ? Promise.resolve(undefined) : late.rotationCanary(promotion)),
    store,
    masterKey: options.masterKey,
    issuerTemplate: () => config.issuerTemplate,
    policy: {
      ...DEFAULT_ROTATION_POLICY,
      jwksMaxAgeSeconds: config.jwksMaxAgeSeconds,
      rotationIntervalSeconds: config.keyRotationIntervalSeconds,
    },
    now,
    registry: metrics.registry,
    signing: options.issuerSigning ?? 'worker',
    auditBufferLimit: config.auditBufferLimit,
    onBackgroundError: (error, what) => logger.error({ err: error }, `issuer: ${what} failed`),
  });
  const broker = createBrokerServices({
    ...(options.broker?.sts ? { sts: options.broker.sts } : {}),
    ...(options.broker?.cache ? { cache: options.broker.cache } : {}),
    store,
    issuer,
    now,
    registry: metrics.registry,
    onBackgroundError: (error, what) => logger.error({ err: error }, `broker: ${what} failed`),
  });
  late.rotationCanary = createRotationCanary({ store, issuer, runChain: broker.runChain, now, mode: config.rotationCanary });
  const connections = createConnectionService({
    store,
    tokenSource: broker.tokenSource,
    runChain: broker.runChain,
    now,
    ...(options.broker?.verifyRetry ? { retry: options.broker.verifyRetry } : {}),
    // The doctor explains a failed verify-before-save in the 422 itself.
    diagnose: (failure: VerificationFailure<WorkloadRecord>) => diagnoseVerificationFailure(failure, now),
  });
  // Operators: the platform's IdP (when configured), sessions after sign-in, and the one authenticator.
  const idp = config.operatorAuth === undefined ? undefined : createOperatorIdp(config.operatorAuth, () => config.issuerTemplate);
  const sessions = new OperatorSessions(store, options.sessionLifetimes);
  const auth = new Authenticator(store, now, { idp: idp?.verifier, issuerTemplate: () => config.issuerTemplate, sessions });
  const doctorDeps = { store, issuer, runChain: broker.runChain, sts: broker.sts, now, registry: metrics.registry };
  const deps: ServerDeps = {
    config,
    audit: auditTrail(store, issuer),
    issuer,
    broker,
    connections,
    doctor: createDoctorService(doctorDeps),
    dbAuth: createDbAuthService({ broker: broker.broker, now }),
    auth,
    apiKeys: new ApiKeyService(store, now, () => auth.invalidate()),
    setupCodes: new SetupCodeService({ store, issuer, now }),
    idp,
    sessions,
    signIn: idp === undefined ? undefined : new ConsoleSignIn(idp, store),
    logger,
    metrics,
    readiness: [
      databaseReadiness(store),
      () => broker.readiness(),
      () => issuer.keyCustodyReadiness(),
      () => issuer.signingReadiness(),
      ...(idp === undefined ? [] : [() => idp.readiness()]),
    ],
    now,
    ...(options.changes ? { changes: options.changes } : {}),
  };
  // Many replicas: what another replica writes reaches these caches within 2 s (src/store/change_feed.ts).
  options.changes?.subscribe((event) => {
    issuer.onClusterChange(event);
    deps.auth.onClusterChange(event);
  });
  // The doctor re-tests every connection on a schedule, so a customer's edit to a trust policy is noticed.
  const driftWatch =
    config.driftWatchIntervalSeconds > 0
      ? createConnectionDriftWatch({
          ...doctorDeps,
          intervalMs: config.driftWatchIntervalSeconds * 1000,
          onError: (error, where) => logger.error({ err: error, ...where }, 'drift watch: a connection test failed to run'),
          ...(options.clusterClaim ? { claim: options.clusterClaim('drift_watch', config.driftWatchIntervalSeconds * 1000) } : {}),
        })
      : undefined;
  return { deps, driftWatch };
}
