import type { Migration } from 'kysely';
import { foundation } from './001_foundation.js';
import { connections } from './002_connections.js';
import { connectionTests } from './003_connection_tests.js';
import { setupCodes } from './004_setup_codes.js';
import { operatorSessions } from './005_operator_sessions.js';
import { kmsSigningKeys } from './006_kms_signing_keys.js';
import { clusterCoordination } from './009_cluster_coordination.js';
import { masterKeyVerifier } from './010_master_key_verifier.js';
import { connectionScope } from './011_connection_scope.js';

/** Versioned migrations, applied in name order on start. Never edit one that has been released; add the next. */
export const migrations: Record<string, Migration> = {
  '001_foundation': foundation,
  '002_connections': connections,
  '003_connection_tests': connectionTests,
  '004_setup_codes': setupCodes,
  '005_operator_sessions': operatorSessions,
  '006_kms_signing_keys': kmsSigningKeys,
  '009_cluster_coordination': clusterCoordination,
  '010_master_key_verifier': masterKeyVerifier,
  '011_connection_scope': connectionScope,
};
