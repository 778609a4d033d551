import type { EmulatorRuntime, RawRequest, RawResponse } from './handle_aws_request.js';
import { parseFault } from './fault_injection.js';
import { handleRedshiftAdminRequest } from './redshift/redshift_admin_routes.js';

/**
 * The emulator's own JSON surface under `/_emulator/` (not AWS's): events, faults and reset, for
 * tests and demos (CONTRACT.md "AWS emulator").
 */
function json(status: number, value: unknown): RawResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: value === undefined ? '' : JSON.stringify(value),
  };
}

function problem(status: number, code: string, message: string): RawResponse {
  return json(status, { error: { code, message } });
}

export function handleAdminRequest(runtime: EmulatorRuntime, request: RawRequest, reset: () => void): RawResponse {
  const path = new URL(request.url, 'http://emulator.invalid').pathname.replace(/\/+$/, '');
  const route = `${request.method} ${path}`;
  switch (route) {
    case 'GET /_emulator/events':
      return json(200, runtime.events.list());
    case 'DELETE /_emulator/events':
      runtime.events.clear();
      return json(204, undefined);
    case 'GET /_emulator/faults':
      return json(200, runtime.faults.list());
    case 'POST /_emulator/faults': {
      let body: unknown;
      try {
        body = JSON.parse(request.body || '{}');
      } catch {
        return problem(400, 'invalid_fault', 'The body must be JSON.');
      }
      const fault = parseFault(body);
      if (typeof fault === 'string') return problem(400, 'invalid_fault', fault);
      runtime.faults.set(fault);
      return json(201, runtime.faults.list());
    }
    case 'DELETE /_emulator/faults':
      runtime.faults.clear();
      return json(204, undefined);
    case 'POST /_emulator/reset':
      reset();
      return json(204, undefined);
    case 'GET /_emulator/health':
      return json(200, { ok: true });
    default: {
      const redshift = handleRedshiftAdminRequest(runtime.state, { method: request.method, path, body: request.body }, runtime.now());
      if (!redshift) return problem(404, 'not_found', `No emulator admin route ${route}.`);
      if (redshift.status === 201) runtime.stateChanged();
      return json(redshift.status, redshift.body);
    }
  }
}
