import { AwsError } from './aws_error.js';
import { authorize } from './authorize.js';
import type { Caller } from './caller.js';
import { callerIdentityRecord } from './caller_identity_record.js';
import type { ActionContext, EmulatorService } from './emulator_service.js';
import type { EmulatorState } from './emulator_state.js';
import type { EventLog } from './event_log.js';
import { type FaultInjector, faultError } from './fault_injection.js';
import { generateIdentifiers } from './generate_identifiers.js';
import { QueryParams } from './query_params.js';
import type { ServiceRegistry } from './service_registry.js';
import { authenticateSignedRequest, parseAuthorization } from './sigv4_authenticate.js';
import type { IssuerKeyCache } from './web_identity/issuer_key_cache.js';
import { renderErrorXml, renderSuccessXml } from './xml_response.js';
import { queryRecord } from './query_record.js';

/** What the HTTP layer hands over: the raw request. */
export interface RawRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
  sourceIp: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The emulator's running parts, shared by every request. */
export interface EmulatorRuntime {
  state: EmulatorState;
  services: ServiceRegistry;
  events: EventLog;
  faults: FaultInjector;
  issuerKeys: IssuerKeyCache;
  now(): number;
  /** Called after an action changed state. */
  stateChanged(): void;
}

/** Where errors that belong to no service (unsigned, unknown) are rendered. */
const FALLBACK_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Web identity tokens and secrets never reach the event log. */
const UNRECORDED_PARAMETERS = new Set(['WebIdentityToken', 'Action', 'Version']);

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

export async function handleAwsRequest(runtime: EmulatorRuntime, request: RawRequest): Promise<RawResponse> {
  const requestId = generateIdentifiers.requestId();
  const now = runtime.now();
  const url = new URL(request.url, 'http://emulator.invalid');
  const contentType = request.headers['content-type'] ?? '';
  const target = request.headers['x-amz-target'];
  const isForm = !contentType.includes('json') && request.body !== '';
  const params = QueryParams.fromSearchParams(url.searchParams, ...(isForm ? [new URLSearchParams(request.body)] : []));

  let service: EmulatorService | undefined;
  let action = params.get('Action') ?? '';
  let caller: Caller | undefined;
  const event: ActionContext['event'] = { userIdentity: { type: 'Unknown' }, requestParameters: null, responseElements: null };
  let changed = false;

  const respond = (status: number, body: string, json: boolean): RawResponse => ({
    status,
    headers: {
      'content-type': json ? 'application/x-amz-json-1.1' : 'text/xml',
      'x-amzn-requestid': requestId,
    },
    body,
  });

  try {
    const claims = parseAuthorization(request.headers.authorization);
    const rest = target === undefined ? runtime.services.restFor(claims?.service, action, url.pathname) : undefined;
    if (rest !== undefined) return await rest.serve(runtime, request, claims);
    if (target !== undefined) {
      const dot = target.lastIndexOf('.');
      service = runtime.services.byTargetPrefix(target.slice(0, dot));
      action = target.slice(dot + 1);
    } else if (claims !== undefined) {
      service = runtime.services.bySigning(claims.service);
    } else {
      service = runtime.services.forUnsigned(action);
    }
    if (service === undefined && claims === undefined) {
      throw new AwsError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
    }
    if (service === undefined) {
      throw new AwsError('InvalidAction', 400, `Could not find operation ${action} for version ${params.get('Version') ?? ''}`);
    }
    if (service.protocol === 'rest') return await service.serve(runtime, request, claims);
    // Own actions only: `Action=toString` must not find Object.prototype's.
    const handler = Object.hasOwn(service.actions, action) ? service.actions[action] : undefined;
    if (handler === undefined) {
      const version = service.protocol === 'query' ? service.version : '';
      throw new AwsError('InvalidAction', 400, `Could not find operation ${action} for version ${params.get('Version') ?? version}`);
    }
    event.requestParameters = Object.fromEntries(
      params.entries().filter(([name]) => !UNRECORDED_PARAMETERS.has(name)).map(([name, value]) => [camel(name), value]),
    );

    const fault = runtime.faults.for(action);
    if (fault?.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault?.outage) throw faultError('ServiceUnavailable', '');

    const unsigned = service.unsignedActions?.has(action) ?? false;
    if (!unsigned) {
      if (claims === undefined) throw new AwsError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
      caller = await authenticateSignedRequest(
        runtime.state,
        { method: request.method, path: url.pathname, query: queryRecord(url.searchParams), headers: request.headers, body: request.body },
        claims,
        now,
      );
      event.userIdentity = callerIdentityRecord(caller);
    }
    if (fault?.error) throw faultError(fault.error, caller?.accountId ?? params.get('RoleArn')?.split(':')[4] ?? '');

    const signedCaller = caller;
    const json = service.protocol === 'json' && request.body !== '' ? parseJsonProtocolBody(request.body) : undefined;
    const context: ActionContext = {
      state: runtime.state,
      params,
      json,
      caller,
      now,
      region: claims?.region ?? 'us-east-1',
      requestId,
      issuerKeys: runtime.issuerKeys,
      authorize: (iamAction, resource, conditionContext) => {
        if (signedCaller !== undefined) authorize(runtime.state, signedCaller, iamAction, resource, conditionContext);
      },
      event,
      markChanged: () => {
        changed = true;
      },
    };
    const result = await handler(context);
    record(runtime, request, service, action, requestId, now, caller, event);
    if (service.protocol === 'json') return respond(200, JSON.stringify(result ?? {}), true);
    return respond(200, renderSuccessXml(action, service.namespace, result, requestId), false);
  } catch (error) {
    const awsError = error instanceof AwsError ? error : internalError(error);
    record(runtime, request, service, action, requestId, now, caller, event, awsError);
    if (service?.protocol === 'json') {
      const response = respond(awsError.status, JSON.stringify({ __type: awsError.code, message: awsError.message }), true);
      response.headers['x-amzn-errortype'] = awsError.code;
      return response;
    }
    return respond(awsError.status, renderErrorXml(awsError, service?.protocol === 'query' ? service.namespace : FALLBACK_NAMESPACE, requestId), false);
  } finally {
    if (changed) runtime.stateChanged();
  }
}

/**
 * A JSON 1.1 body that is not a JSON object: AWS's JSON protocols answer 400 `SerializationException`
 * (never a 500), with a message that does not echo the body.
 */
function parseJsonProtocolBody(body: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new AwsError('SerializationException', 400, 'Unable to parse the request body as JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AwsError('SerializationException', 400, 'Start of structure or map found where not expected.');
  }
  return value as Record<string, unknown>;
}

function internalError(error: unknown): AwsError {
  // Logged for the operator; the caller sees AWS's generic failure, never internals.
  console.error('aws-emulator: internal error', error);
  return new AwsError('InternalFailure', 500, 'The request processing has failed because of an unknown error, exception or failure.');
}

function record(
  runtime: EmulatorRuntime,
  request: RawRequest,
  service: EmulatorService | undefined,
  action: string,
  requestId: string,
  now: number,
  caller: Caller | undefined,
  event: ActionContext['event'],
  error?: AwsError,
): void {
  runtime.events.record({
    eventVersion: '1.08',
    eventTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: service?.eventSource ?? 'unknown',
    eventName: action,
    awsRegion: 'us-east-1',
    sourceIPAddress: request.sourceIp,
    userAgent: request.headers['user-agent'] ?? '',
    requestID: requestId,
    eventID: generateIdentifiers.requestId(),
    eventType: 'AwsApiCall',
    ...(event.recipientAccountId ?? caller?.accountId ? { recipientAccountId: event.recipientAccountId ?? caller?.accountId } : {}),
    userIdentity: event.userIdentity,
    requestParameters: event.requestParameters,
    responseElements: error === undefined ? event.responseElements : null,
    ...(error === undefined ? {} : { errorCode: error.code, errorMessage: error.message }),
  });
}
