import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `dist/setup-cli`, seen from `src/server/` (tsx) and from `dist/server/` (built) alike. */
export const SETUP_CLI_DIST = fileURLToPath(new URL('../../dist/setup-cli/', import.meta.url));

/** The customer's set-up CLI as one file (`npm run build` bundles it: scripts/build_setup_cli.mjs). */
export interface SetupCliDownload {
  version: string;
  /** `rolebridge-setup-<version>.mjs` */
  file: string;
  /** Hex SHA-256 of the bytes served, computed here from the bytes themselves. */
  sha256: string;
  size: number;
  bytes: Buffer;
}

const loaded = new Map<string, SetupCliDownload | undefined>();

/**
 * The bundle the build left in `dir` (its `manifest.json` names it), read once: the server serves the bytes it
 * hashed. Undefined when the set-up CLI was not built (a checkout without `npm run build`).
 */
export function setupCliDownload(dir = SETUP_CLI_DIST): SetupCliDownload | undefined {
  if (loaded.has(dir)) return loaded.get(dir);
  let download: SetupCliDownload | undefined;
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string; file: string };
    const bytes = readFileSync(join(dir, manifest.file));
    download = { version: manifest.version, file: manifest.file, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, bytes };
  }
  loaded.set(dir, download);
  return download;
}

/** Where the file is, for a server reached at `serverUrl`. */
export function setupCliUrl(serverUrl: string, download: SetupCliDownload): string {
  return `${serverUrl}/setup/${download.file}`;
}

/**
 * The lines a customer pastes to download the set-up CLI, check it is the file this server serves, and run it:
 * `curl` and `sha256sum` (coreutils; `shasum -a 256 -c -` on macOS takes the same line), then a bare `node`.
 */
export function downloadVerifyRunLines(serverUrl: string, download: SetupCliDownload, setupArguments: string): string[] {
  return [
    `curl -fsSLo ${download.file} ${setupCliUrl(serverUrl, download)}`,
    `echo "${download.sha256}  ${download.file}" | sha256sum -c -`,
    `node ${download.file} ${setupArguments}`,
  ];
}
