/** The doctor: connection tests (steps, diagnosis, negative probes), their history, the drift watch. */
export { testConnection, type DoctorTokens, type TestConnectionOptions } from './test_connection.js';
export { diagnoseStsError, type DiagnosisContext } from './sts_error_catalog.js';
export { diagnoseTrustFailure } from './diagnose_trust_failure.js';
export { webIdentityFacts, type WebIdentityFacts } from './web_identity_context.js';
export type { Diagnosis, DiagnosisFinding, StsErrorEvidence } from './diagnosis.js';
export type { ConnectionTestResult, ProbeResult, TestStep } from './connection_test_result.js';
export type { MintedProbe } from './negative_probes.js';
export { checkIssuerPublication, type IssuerPublication } from './check_issuer_publication.js';
export { renderConnectionTest, renderDiagnosis, type TextStyle } from './render_diagnosis.js';
export { runConnectionTest, type ConnectionTestAnswer, type ConnectionTestRequest, type ConnectionTestServiceDeps } from './connection_test_service.js';
export { recordTestRun, type DriftChange, type TestRunStore } from './record_test_run.js';
export { DriftWatch, type DriftClock, type DriftSweep, type DriftWatchOptions } from './drift_watch.js';
export { createConnectionDriftWatch } from './connection_drift_watch.js';
export { doctorMetrics, type DoctorMetrics } from './doctor_metrics.js';
export { diagnoseVerificationFailure } from './diagnose_verification_failure.js';
export { createDoctorService, type DoctorService } from './doctor_service.js';
export { createRotationCanary, type CanaryVerdict, type RotationCanaryDeps, type RotationCanaryMode } from './rotation_canary.js';
