import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ErrorCode } from '../core/index.js';

/** `web/dist`, seen from `src/server/` (tsx) and from `dist/server/` (built) alike. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * The console's routes in the browser (React Router-like paths). Only these answer `index.html`; every other
 * unknown path keeps the API's JSON 404, and the API, issuer, /docs and /openapi.json are never shadowed.
 */
const CLIENT_ROUTES = ['/', '/sign-in', '/tenants', '/tenants/*', '/playground'];

/**
 * No inline script or style, nothing from another origin, never framed. The console only talks to this
 * server's API (`connect-src 'self'`) and the IdP sign-in is a full-page redirect, not a fetch.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

interface ConsoleFile {
  body: Buffer;
  type: string;
}

function readTree(root: string, dir = root, files = new Map<string, ConsoleFile>()): Map<string, ConsoleFile> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) readTree(root, path, files);
    else files.set(`/${relative(root, path).split(sep).join('/')}`, { body: readFileSync(path), type: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream' });
  }
  return files;
}

function secureHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin');
}

/**
 * Serves the built console (`web/dist`, made by `npm install`) at `/`. The files are few and small, so they are
 * read once at start; hashed assets are cached for good, `index.html` never. Without a build the client routes
 * answer 404 `console_not_built` saying how to build it.
 */
export function installWebConsole(app: FastifyInstance, dist = CONSOLE_DIST): void {
  const files = existsSync(join(dist, 'index.html')) ? readTree(dist) : undefined;
  const index = files?.get('/index.html');
  for (const url of CLIENT_ROUTES) {
    app.get(url, { schema: { hide: true }, config: { quiet: true } }, async (_request, reply) => {
      if (!index) {
        return reply.status(404).send({ error: { code: 'console_not_built' satisfies ErrorCode, message: 'The web console is not built; run `npm run build` (npm install does it).', details: {} } });
      }
      return secureHeaders(reply).header('cache-control', 'no-cache').type(index.type).send(index.body);
    });
  }
  if (!files) return;
  for (const [path, file] of files) {
    if (path === '/index.html') continue;
    const immutable = path.startsWith('/assets/');
    app.get(path, { schema: { hide: true }, config: { quiet: true } }, async (_request, reply) =>
      secureHeaders(reply)
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .type(file.type)
        .send(file.body),
    );
  }
}
