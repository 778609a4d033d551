export { buildProgram, runCli } from './program.js';
export { CliExit, EXIT_OK, EXIT_NEGATIVE, EXIT_USAGE, usageError } from './cli_exit.js';
