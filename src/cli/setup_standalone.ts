import { Command } from 'commander';
import { registerSetupCommand } from './commands/setup.js';
import { runProgram } from './run_program.js';

/**
 * The customer's set-up CLI on its own: `rolebridge setup aws` and nothing of the server. `npm run build`
 * bundles this file with its packages (AWS SDK IAM/STS clients included) into one
 * `dist/setup-cli/rolebridge-setup-<version>.mjs` that runs with a bare `node`; the server serves it at
 * `/setup/…` with its SHA-256, so customers need no package from a registry (a name anyone could claim).
 */

/** Set by the bundler (esbuild `define`): the rolebridge version the file was built from. */
declare const ROLEBRIDGE_SETUP_CLI_VERSION: string | undefined;

// The bundled SDK line supports Node 20; its notice about 2027 lines would only clutter the set-up's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command('rolebridge')
  .description('rolebridge set-up: connect your AWS account to your platform\'s rolebridge.')
  .version(typeof ROLEBRIDGE_SETUP_CLI_VERSION === 'string' ? ROLEBRIDGE_SETUP_CLI_VERSION : 'unbundled')
  .exitOverride();
registerSetupCommand(program);
process.exitCode = await runProgram(program, process.argv.slice(2));
