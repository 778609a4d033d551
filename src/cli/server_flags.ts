import type { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
import { usageError } from './cli_exit.js';

/** The flags `serve` and `dev` share, and how a long-running command stops; light, so no command loads the server for them. */
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
