import type { Command } from 'commander';
import { startServerRuntime, type ServerRuntime } from '../../runtime/index.js';
import { printLine } from '../output.js';
import { style } from '../terminal_style.js';
import { addServerOptions, closeOnSignal, configFromFlags, type ServerFlags } from '../server_flags.js';

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
