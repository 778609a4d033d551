import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { startServerRuntime, type ServerRuntime } from '../../runtime/index.js';
import { createLogger } from '../../server/index.js';
import { listenError } from '../listen_error.js';
import { addServerOptions, closeOnSignal, configFromFlags, type ServerFlags } from '../server_flags.js';
import { style } from '../terminal_style.js';

/** Starts the server; a port in use or not permitted ends the command at once (exit 2) naming the port and the flag. */
export async function startServerOrExplain(config: Config, options: Parameters<typeof startServerRuntime>[1] = {}): Promise<ServerRuntime> {
  try {
    return await startServerRuntime(config, options);
  } catch (error) {
    throw listenError(error, { host: config.host, port: config.port, flag: '--port', variable: 'PORT' }) ?? error;
  }
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
