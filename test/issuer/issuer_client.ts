import { request as httpRequest } from 'node:http';

/**
 * A small HTTP client for issuer tests: JSON in and out, and an optional `connectTo` that sends every
 * request to the test server while keeping the URL's host in the Host header (host-based issuers
 * like http://acme.id.test have no DNS).
 */
export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function httpCall(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; connectTo?: string } = {},
): Promise<HttpResult> {
  const target = new URL(url);
  const [host, port] = options.connectTo ? options.connectTo.split(':') : [target.hostname, target.port || '80'];
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host,
        port: Number(port),
        method: options.method ?? 'GET',
        path: `${target.pathname}${target.search}`,
        headers: { host: target.host, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A `fetch` for jose's customFetch that routes through `httpCall`. */
export function fetchVia(connectTo: string): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const result = await httpCall(url, { connectTo });
    return new Response(result.text, { status: result.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}
