import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DISCOVERY_PATH, JWKS_PATH, type IssuerDocuments } from './issuer_documents.js';

/** One static file of an issuer: exactly the bytes and headers the server answers at that URL. */
export interface PublishedFile {
  tenantId: string;
  issuer: string;
  /** Relative, `/`-separated: `<issuer path>/.well-known/openid-configuration` or `…/jwks.json`. */
  path: string;
  body: Buffer;
  contentType: 'application/json';
  cacheControl: string;
  etag: string;
}

/**
 * Where an issuer's files go under a publication root: the issuer URL's path (`t/acme` for
 * `https://id.example.com/t/acme`); with the tenant in the host (`https://acme.id.example.com`), the host
 * comes first (`acme.id.example.com/…`), so that every tenant has a folder of its own.
 */
export function issuerPathOf(issuer: string, mode: 'path' | 'host'): string {
  const url = new URL(issuer);
  const path = url.pathname.replace(/^\/+|\/+$/g, '');
  return mode === 'host' ? [url.host, path].filter(Boolean).join('/') : path;
}

export function publishedFiles(tenantId: string, documents: IssuerDocuments, mode: 'path' | 'host'): PublishedFile[] {
  const base = issuerPathOf(documents.issuer, mode);
  return [
    [DISCOVERY_PATH, documents.discovery],
    [JWKS_PATH, documents.jwks],
  ].map(([suffix, document]) => {
    const served = document as IssuerDocuments['jwks'];
    return {
      tenantId,
      issuer: documents.issuer,
      path: `${base}${suffix as string}`.replace(/^\//, ''),
      body: served.body,
      contentType: 'application/json' as const,
      cacheControl: served.cacheControl,
      etag: served.etag,
    };
  });
}

/** Writes the files under `dir`, each atomically (a temporary file renamed over the old one). */
export async function writePublishedFiles(files: readonly PublishedFile[], dir: string): Promise<string[]> {
  const root = resolve(dir);
  const written: string[] = [];
  for (const file of files) {
    const target = join(root, ...file.path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, file.body);
    await rename(temporary, target);
    written.push(target);
  }
  return written;
}
