import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config/index.js';
import { startServerRuntime, type ServerRuntime } from '../../runtime/index.js';
import { createLogger } from '../../server/index.js';
import { usageError } from '../cli_exit.js';
import { listenError } from '../listen_error.js';
import { style } from '../terminal_style.js';

export interface ServerFlags {
  host?: string;
  port?: string;
  databaseUrl?: string;
  issuerTemplate?: string;
}

/** A `--port`-like flag: a whole number 0–65535 (0 picks a free port), else a usage error naming the flag. */
export function parsePortFlag(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw usageError(`${flag} must be a port number from 0 to 65535 (0 picks a free one), got '${value}'`);
  return Number(value);
}

/** Flags win over the environment variables of the same meaning (CONTRACT.md). */
export function configFromFlags(flags: ServerFlags, env: NodeJS.ProcessEnv = process.env, defaults: Partial<Config> = {}): Config {
  const overrides: Partial<Config> = { ...defaults };
  if (flags.host !== undefined) overrides.host = flags.host;
  if (flags.port !== undefined) overrides.port = parsePortFlag(flags.port, '--port');
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

/** Starts the server; a port in use or not permitted ends the command at once (exit 2) naming the port and the flag. */
export async function startServerOrExplain(config: Config, options: Parameters<typeof startServerRuntime>[1] = {}): Promise<ServerRuntime> {
  try {
    return await startServerRuntime(config, options);
  } catch (error) {
    throw listenError(error, { host: config.host, port: config.port, flag: '--port', variable: 'PORT' }) ?? error;
  }
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

/**
 * The generated bootstrap admin token, once, for the person at the terminal: on stderr, never on stdout, which
 * carries the JSON log stream that log collectors keep.
 */
export function printAdminToken(runtime: ServerRuntime, write: (text: string) => void = (text) => process.stderr.write(text)): void {
  if (!runtime.generatedAdminToken) return;
  write(`${style.yellow('A bootstrap admin token was generated. It is shown only this once; store it now:')}\n`);
  write(`  ROLEBRIDGE_ADMIN_TOKEN=${runtime.generatedAdminToken}\n`);
}

export function registerServeCommand(program: Command): void {
  addServerOptions(
    program
      .command('serve')
      .description('Run the production server (configuration from the environment; flags override). Logs are JSON lines on stdout; ' +
        'messages for the person starting it (and a generated admin token, once) go to stderr.'),
  ).action(async (flags: ServerFlags) => {
    const config = configFromFlags(flags);
    const logger = createLogger({ level: config.logLevel });
    const runtime = await startServerOrExplain(config, { logger });
    logger.info({ url: runtime.url }, `rolebridge listening on ${runtime.url}`);
    if (runtime.generatedAdminToken) logger.warn('a bootstrap admin token was generated and shown once on stderr (not logged)');
    printAdminToken(runtime);
    await closeOnSignal(() => runtime.close());
  });
}
