import type { Registry } from 'prom-client';
import { NotFoundError } from '../core/index.js';
import { ConnectionTestRepository, type ConnectionTestRecord } from '../store/index.js';
import { runConnectionTest, type ConnectionTestAnswer, type ConnectionTestRequest, type ConnectionTestServiceDeps } from './connection_test_service.js';
import { doctorMetrics, noDoctorMetrics } from './doctor_metrics.js';
import { checkSubjectChange, type SubjectChangeCheck } from './subject_change_check.js';

/** The doctor as the API uses it: test a stored connection, read its test history. */
export interface DoctorService {
  test(
    tenantId: string,
    connection: string,
    request: ConnectionTestRequest,
    who: { actor: string; requestId?: string; trigger: 'manual' | 'schedule' | 'setup' | 'verify' },
  ): Promise<ConnectionTestAnswer>;
  /** Newest first; 404 `connection_not_found` for a connection that does not exist. */
  history(tenantId: string, connection: string, limit: number): Promise<ConnectionTestRecord[]>;
  /**
   * A planned subject template against every connection of the token config: real exchanges with probe
   * tokens of the current and the new format (see checkSubjectChange).
   */
  checkSubjectChange(tenantId: string, tokenConfig: string, subjectTemplate: string, who: { actor: string; requestId?: string }): Promise<SubjectChangeCheck>;
}

export function createDoctorService(deps: Omit<ConnectionTestServiceDeps, 'metrics'> & { registry?: Registry }): DoctorService {
  const { registry, ...rest } = deps;
  const testDeps: ConnectionTestServiceDeps = { ...rest, metrics: registry ? doctorMetrics(registry) : noDoctorMetrics };
  const history = new ConnectionTestRepository(deps.store.db);
  return {
    test: (tenantId, connection, request, who) => runConnectionTest(testDeps, tenantId, connection, request, who),
    checkSubjectChange: (tenantId, tokenConfig, subjectTemplate, who) => checkSubjectChange(testDeps, tenantId, tokenConfig, subjectTemplate, who),
    async history(tenantId, connection, limit) {
      if (!(await deps.store.connections.find(tenantId, connection))) {
        throw new NotFoundError('connection_not_found', `Tenant ${tenantId} has no connection named ${connection}.`, { connection });
      }
      return history.history(tenantId, connection, limit);
    },
  };
}
