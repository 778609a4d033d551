import type { IncomingMessage, RequestOptions } from 'node:http';

/** One answer read whole. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  ok: boolean;
  text: string;
}

/** Thrown when no answer arrived within the time given (`name` as fetch's AbortSignal.timeout uses). */
export class HttpTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * One request with node:http(s), for CLI commands that make a call or two and exit: fetch would load and
 * compile undici (with its WebAssembly parser) on every run and keep its pooled connection open after the
 * answer, which kept `credential-process` alive for up to a second after printing. Here the connection is
 * closed with the answer (`Connection: close`, no agent pool), so the process exits as soon as it is done.
 * Connection errors are node's own (`code` ECONNREFUSED, ECONNRESET, OpenSSL codes), as unreachable_server reads them.
 */
export async function httpRequest(
  url: string,
  options: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<HttpAnswer> {
  const target = new URL(url);
  const https = target.protocol === 'https:';
  // Only an https server costs the TLS stack. getBuiltinModule, not import(): on Node 22 the ESM wrapper of
  // node:http reads every export, its lazy fetch ones too, and so loads undici on every run.
  const { request } = https ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
  const headers: Record<string, string> = { ...options.headers, connection: 'close' };
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  const requestOptions: RequestOptions = {
    method: options.method,
    hostname: target.hostname.replace(/^\[|\]$/g, ''),
    port: target.port || (https ? 443 : 80),
    path: `${target.pathname}${target.search}`,
    headers,
    agent: false,
  };
  return new Promise((resolve, reject) => {
    const outgoing = request(requestOptions, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      response.on('end', () => {
        clearTimeout(timer);
        const status = response.statusCode ?? 0;
        resolve({ status, statusText: response.statusMessage ?? '', ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(() => outgoing.destroy(new HttpTimeoutError(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(options.body);
  });
}
