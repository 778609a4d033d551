import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config/index.js';
import { startServerRuntime, type ServerRuntime } from '../../runtime/index.js';
import { printLine } from '../output.js';
import { style } from '../terminal_style.js';

export interface ServerFlags {
  host?: string;
  port?: string;
  databaseUrl?: string;
  issuerTemplate?: string;
}

/** Flags win over the environment variables of the same meaning (CONTRACT.md). */
export function configFromFlags(flags: ServerFlags, env: NodeJS.ProcessEnv = process.env, defaults: Partial<Config> = {}): Config {
  const overrides: Partial<Config> = { ...defaults };
  if (flags.host !== undefined) overrides.host = flags.host;
  if (flags.port !== undefined) overrides.port = Number(flags.port);
  if (flags.databaseUrl !== undefined) overrides.databaseUrl = flags.databaseUrl;
  if (flags.issuerTemplate !== undefined) overrides.issuerTemplate = flags.issuerTemplate;
  return loadConfig(env, overrides);
}

export function addServerOptions(command: Command): Command {
  return command
    .option('--host <host>', 'listen address (HOST)')
    .option('--port <port>', 'listen port (PORT)')
    .option('--database-url <url>', 'sqlite:<path>, sqlite::memory: or postgres://… (ROLEBRIDGE_DATABASE_URL)')
    .option('--issuer-template <url>', 'issuer URL per tenant with {tenant} in host or path (ROLEBRIDGE_ISSUER_TEMPLATE)');
}

/** Resolves when SIGINT or SIGTERM arrives, after closing `runtime`. */
export function closeOnSignal(close: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void close().finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function printAdminToken(runtime: ServerRuntime): void {
  if (!runtime.generatedAdminToken) return;
  printLine(style.yellow('A bootstrap admin token was generated. It is shown only this once; store it now:'));
  printLine(`  ROLEBRIDGE_ADMIN_TOKEN=${runtime.generatedAdminToken}`);
}

export function registerServeCommand(program: Command): void {
  addServerOptions(program.command('serve').description('Run the production server (configuration from the environment; flags override).')).action(
    async (flags: ServerFlags) => {
      const runtime = await startServerRuntime(configFromFlags(flags));
      printLine(`rolebridge listening on ${runtime.url}`);
      printAdminToken(runtime);
      await closeOnSignal(() => runtime.close());
    },
  );
}
