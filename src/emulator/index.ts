/**
 * rolebridge's local AWS STS + IAM emulator: the slice of AWS that OIDC federation touches, on the
 * AWS Query protocol, faithful enough that the AWS CLI and SDKs cannot tell it from AWS on these calls.
 */
export { startEmulator, DEFAULT_ACCOUNT, type EmulatorOptions, type RunningEmulator } from './start_emulator.js';
export type { AccountSeed, EmulatorState } from './emulator_state.js';
export { authorize } from './authorize.js';
export { AwsError } from './aws_error.js';
export type { Caller } from './caller.js';
export type { ActionContext, ActionHandler, EmulatorService, JsonService, QueryService } from './emulator_service.js';
export type { EmulatorEvent } from './event_log.js';
export type { Fault, FaultError } from './fault_injection.js';
