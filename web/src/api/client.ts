import { operations, pathOf, type OperationName } from './operations';
import type { ApiErrorBody } from './types';

const API_KEY_STORAGE = 'rolebridge.apiKey';

/** The API's error, as the server rendered it: stable code, message, details. Never a stack trace. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The pasted API key lives in sessionStorage only: gone with the tab, never in localStorage or a cookie. */
export const apiKeyStore = {
  get: (): string | null => sessionStorage.getItem(API_KEY_STORAGE),
  set: (key: string): void => sessionStorage.setItem(API_KEY_STORAGE, key),
  clear: (): void => sessionStorage.removeItem(API_KEY_STORAGE),
};

/** The IdP session's CSRF cookie (readable by design), echoed in X-CSRF-Token on cookie-authenticated changes. */
function csrfToken(): string | undefined {
  const match = /(?:^|;\s*)rolebridge_csrf=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1] as string) : undefined;
}

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * Calls one operation of the public API. With a pasted API key it sends `Authorization: Bearer`; without one
 * it relies on the IdP session cookie and adds the CSRF header to changes. Errors become ApiError.
 */
export async function call<T>(name: OperationName, options: CallOptions = {}): Promise<T> {
  const operation = operations[name];
  let url = pathOf(operation.path, options.params);
  const query = Object.entries(options.query ?? {}).filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '');
  if (query.length > 0) url += `?${new URLSearchParams(query.map(([key, value]) => [key, String(value)])).toString()}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  const apiKey = apiKeyStore.get();
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  else if (operation.method !== 'GET') {
    const csrf = csrfToken();
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: operation.method,
    headers,
    credentials: 'same-origin',
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as ApiErrorBody | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? `${response.status} ${response.statusText}`, error?.details ?? {});
  }
  return parsed as T;
}
