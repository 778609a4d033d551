import type { Command } from 'commander';
import { openIssuerPublisher } from '../../runtime/index.js';
import { usageError } from '../cli_exit.js';
import { printJson, printLine } from '../output.js';
import { closeOnSignal, configFromFlags } from '../server_flags.js';

interface PublishFlags {
  out?: string;
  s3?: string;
  tenant?: string;
  publicRead?: boolean;
  watch?: boolean;
  interval: string;
  databaseUrl?: string;
  issuerTemplate?: string;
  json?: boolean;
}

/** What changes when a key is created, promoted, retired or revoked: the documents' ETags. */
function fingerprint(files: ReadonlyArray<{ path: string; etag: string }>): string {
  return files.map((f) => `${f.path}=${f.etag}`).join('\n');
}

export function registerPublishCommand(program: Command): void {
  program
    .command('publish')
    .description(
      "Write each tenant issuer's discovery and JWKS as static files (byte-identical to the server's answers), to a folder and/or an S3 bucket, for issuers hosted on S3 or a CDN.",
    )
    .option('--out <dir>', 'write <dir>/<issuer path>/.well-known/{openid-configuration,jwks.json}')
    .option('--s3 <url>', 'upload to s3://bucket[/prefix] with Content-Type and Cache-Control (AWS SDK credentials; AWS_ENDPOINT_URL_S3)')
    .option('--tenant <id>', 'only this tenant (default: every tenant)')
    .option('--public-read', 'upload with x-amz-acl: public-read (buckets that allow ACLs; not with CloudFront origin access control)')
    .option('--watch', 'keep running and republish whenever a key changes (rotation, revocation, retention)')
    .option('--interval <seconds>', 'with --watch: how often to look for key changes', '10')
    .option('--database-url <url>', 'sqlite:<path> or postgres://… (ROLEBRIDGE_DATABASE_URL)')
    .option('--issuer-template <url>', 'issuer URL per tenant (ROLEBRIDGE_ISSUER_TEMPLATE); must match the server')
    .option('--json', 'print {"files": [...]} (with --watch: one line per publication)')
    .action(async (flags: PublishFlags) => {
      if (flags.out === undefined && flags.s3 === undefined) throw usageError('publish needs --out DIR and/or --s3 s3://bucket/prefix');
      const interval = Number(flags.interval);
      if (!Number.isInteger(interval) || interval < 1 || interval > 86_400) throw usageError('--interval takes whole seconds between 1 and 86400');
      const config = configFromFlags({ ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}), ...(flags.issuerTemplate ? { issuerTemplate: flags.issuerTemplate } : {}) });
      const publisher = await openIssuerPublisher(config, {
        ...(flags.out === undefined ? {} : { dir: flags.out }),
        ...(flags.s3 === undefined ? {} : { s3: flags.s3 }),
        publicRead: flags.publicRead ?? false,
      });
      const report = (written: string[]): void => {
        if (flags.json) printJson({ files: written });
        else for (const path of written) printLine(path);
      };
      try {
        let last = '';
        const publishIfChanged = async (): Promise<void> => {
          const files = await publisher.files(flags.tenant);
          const current = fingerprint(files);
          if (current === last) return;
          report(await publisher.publish(files));
          last = current;
        };
        await publishIfChanged();
        if (!flags.watch) return;
        let timer: NodeJS.Timeout | undefined;
        let stopped = false;
        const tick = (): void => {
          if (stopped) return;
          timer = setTimeout(() => {
            publishIfChanged()
              .catch((error: unknown) => process.stderr.write(`rolebridge publish: ${(error as Error).message}\n`))
              .finally(tick);
          }, interval * 1000);
        };
        tick();
        await closeOnSignal(async () => {
          stopped = true;
          clearTimeout(timer);
        });
      } finally {
        await publisher.close();
      }
    });
}
