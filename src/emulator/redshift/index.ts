import type { EmulatorService } from '../emulator_service.js';
import { redshiftServerlessService } from './redshift_serverless_service.js';
import { redshiftService } from './redshift_service.js';

/** Redshift provisioned (Query) and Redshift Serverless (JSON 1.1), for the service registry. */
export const redshiftServices: readonly EmulatorService[] = [redshiftService, redshiftServerlessService];
export type { RedshiftState, RedshiftClusterRecord, ServerlessWorkgroupRecord, ServerlessNamespaceRecord } from './redshift_state.js';
export { handleRedshiftAdminRequest, type AdminAnswer } from './redshift_admin_routes.js';
