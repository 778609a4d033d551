export * from './errors.js';
export { ERROR_CODES, errorCodeStatuses, isErrorCode, type ErrorCode, type ErrorCodeEntry } from './error_codes.js';
