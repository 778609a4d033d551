import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../core/index.js';
import { errorResponseSchema } from '../error_envelope.js';
import { setupCliDownload, setupCliUrl, type SetupCliDownload } from '../setup_cli_download.js';
import type { RouteContext } from './route_context.js';

function notBuilt(): NotFoundError {
  return new NotFoundError('setup_cli_not_built', 'The set-up CLI is not built on this server; run `npm run build` (npm install does it).');
}

function found(): SetupCliDownload {
  const download = setupCliDownload();
  if (download === undefined) throw notBuilt();
  return download;
}

function serverUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * `GET /setup/latest` and `GET /setup/{file}`: the customer's set-up CLI (`setup aws`) as one self-contained
 * ES module for a bare `node`, with its SHA-256, so customers run the exact file their platform serves rather
 * than a package from a registry.
 */
export function registerSetupCliRoutes(app: FastifyInstance, _ctx: RouteContext): void {
  app.get(
    '/setup/latest',
    {
      schema: {
        tags: ['setup'],
        operationId: 'getSetupCliLatest',
        security: [],
        summary: 'The version, URL and SHA-256 of the set-up CLI this server serves',
        description: 'Download the `url`, check its SHA-256 against `sha256`, run it with `node <file> setup aws …` (Node >= 20.19; no npm package needed).',
        response: {
          200: {
            type: 'object',
            required: ['version', 'file', 'url', 'sha256', 'size'],
            properties: {
              version: { type: 'string', description: 'The rolebridge version the file was built from' },
              file: { type: 'string', description: '`rolebridge-setup-<version>.mjs`' },
              url: { type: 'string', format: 'uri' },
              sha256: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'Hex SHA-256 of the file, as `sha256sum` prints it' },
              size: { type: 'integer', description: 'Bytes' },
            },
          },
          404: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const download = found();
      return reply
        .header('cache-control', 'no-cache')
        .send({ version: download.version, file: download.file, url: setupCliUrl(serverUrlOf(request), download), sha256: download.sha256, size: download.size });
    },
  );

  app.get<{ Params: { file: string } }>(
    '/setup/:file',
    {
      schema: {
        tags: ['setup'],
        operationId: 'downloadSetupCli',
        security: [],
        summary: 'The set-up CLI itself: one ES module (`rolebridge-setup-<version>.mjs`) for a bare `node`',
        params: {
          type: 'object',
          required: ['file'],
          properties: { file: { type: 'string', maxLength: 100, pattern: '^rolebridge-setup-[0-9A-Za-z.+-]+\\.mjs$' } },
        },
        response: {
          200: { description: 'The file (text/javascript)', type: 'string' },
          400: errorResponseSchema,
          404: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const download = found();
      if (request.params.file !== download.file) {
        throw new NotFoundError('setup_cli_version_not_found', `This server serves ${download.file}, not ${request.params.file}.`, { file: download.file });
      }
      return reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('content-disposition', `attachment; filename="${download.file}"`)
        .header('x-content-type-options', 'nosniff')
        .header('etag', `"${download.sha256}"`)
        .header('cache-control', 'no-cache')
        .send(download.bytes);
    },
  );
}
