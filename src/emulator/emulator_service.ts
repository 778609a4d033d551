import type { Caller } from './caller.js';
import type { EmulatorState } from './emulator_state.js';
import type { EmulatorEvent } from './event_log.js';
import type { QueryParams } from './query_params.js';
import type { IssuerKeyCache } from './web_identity/issuer_key_cache.js';
import type { XmlValue } from './xml_response.js';
import type { EmulatorRuntime, RawRequest, RawResponse } from './handle_aws_request.js';
import type { SignatureClaims } from './sigv4_authenticate.js';

/**
 * One emulated AWS service. A new service is one file that builds an EmulatorService and one line
 * in `service_registry.ts`. Requests reach a service by the SigV4 credential scope's service name
 * (`signingName`), or, unsigned, by an action listed in `unsignedActions`.
 */
export interface ActionContext {
  state: EmulatorState;
  params: QueryParams;
  /** The JSON body of a JSON-protocol request (undefined for Query). */
  json: Record<string, unknown> | undefined;
  /** Undefined only for the service's unsigned actions. */
  caller: Caller | undefined;
  /** Request time in ms since the epoch. */
  now: number;
  region: string;
  requestId: string;
  issuerKeys: IssuerKeyCache;
  /** Throws AccessDenied (AWS's text) unless the caller may perform `action` on `resource`. */
  authorize(action: string, resource: string, context?: Record<string, string | string[]>): void;
  /** Lets an action fill in what CloudTrail would record (identity for unsigned calls, response elements). */
  event: Pick<EmulatorEvent, 'userIdentity' | 'requestParameters' | 'responseElements'> & { recipientAccountId?: string };
  /** Set by actions that changed state, so a `--state-file` is rewritten. */
  markChanged(): void;
}

export type ActionHandler = (context: ActionContext) => Promise<XmlValue> | XmlValue;

interface ServiceBase {
  signingName: string;
  /** CloudTrail `eventSource`, e.g. `sts.amazonaws.com`. */
  eventSource: string;
  actions: Record<string, ActionHandler>;
  unsignedActions?: ReadonlySet<string>;
}

/** AWS Query protocol: form-encoded `Action=…&Version=…`, XML answers. */
export interface QueryService extends ServiceBase {
  protocol: 'query';
  version: string;
  namespace: string;
}

/** AWS JSON 1.1 protocol: `X-Amz-Target: <targetPrefix>.<Action>`, JSON answers (handlers return plain JSON). */
export interface JsonService extends ServiceBase {
  protocol: 'json';
  targetPrefix: string;
}

/**
 * REST protocols (S3): the service routes on method and path and answers the raw request whole,
 * authenticating and recording it itself. It receives the requests signed for its `signingName`, and
 * unsigned requests with a path and no Query `Action` (anonymous reads).
 */
export interface RestService {
  protocol: 'rest';
  signingName: string;
  eventSource: string;
  serve(runtime: EmulatorRuntime, request: RawRequest, claims: SignatureClaims | undefined): Promise<RawResponse>;
}

export type EmulatorService = QueryService | JsonService | RestService;
