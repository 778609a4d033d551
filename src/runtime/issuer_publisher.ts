import type { Config } from '../config/index.js';
import {
  DEFAULT_ROTATION_POLICY,
  Issuer,
  parseS3Url,
  uploadPublishedFiles,
  writePublishedFiles,
  type PublishedFile,
  type S3Target,
} from '../issuer/index.js';
import { openStore } from '../store/index.js';

export interface PublicationTargets {
  /** `--out`: a folder. */
  dir?: string;
  /** `--s3`: `s3://bucket[/prefix]`. */
  s3?: string;
  publicRead?: boolean;
}

/** `rolebridge publish`'s engine: reads issuer documents from the database and writes them where asked. */
export interface IssuerPublisher {
  /** Every tenant's files (or one tenant's), byte for byte what the server serves. */
  files(tenantId?: string): Promise<PublishedFile[]>;
  /** Writes/uploads the files; returns the paths and `s3://` URLs written. */
  publish(files: readonly PublishedFile[]): Promise<string[]>;
  close(): Promise<void>;
}

/** Throws InvalidInputError `invalid_s3_url` before anything is opened. */
export async function openIssuerPublisher(config: Config, targets: PublicationTargets): Promise<IssuerPublisher> {
  const s3: S3Target | undefined = targets.s3 === undefined ? undefined : parseS3Url(targets.s3);
  const store = await openStore(config.databaseUrl);
  // Publication never opens a private key (documents come from public JWKs), so no master key is needed.
  const issuer = new Issuer({
    store,
    masterKey: Buffer.alloc(32),
    issuerTemplate: () => config.issuerTemplate,
    policy: { ...DEFAULT_ROTATION_POLICY, jwksMaxAgeSeconds: config.jwksMaxAgeSeconds, rotationIntervalSeconds: config.keyRotationIntervalSeconds },
    now: Date.now,
    signing: 'inline',
  });
  return {
    files: (tenantId) => issuer.publicationFiles(tenantId),
    async publish(files) {
      const written: string[] = [];
      if (targets.dir !== undefined) written.push(...(await writePublishedFiles(files, targets.dir)));
      if (s3 !== undefined) written.push(...(await uploadPublishedFiles(files, s3, { publicRead: targets.publicRead ?? false })));
      return written;
    },
    async close() {
      await issuer.close();
      await store.close();
    },
  };
}
