import type { Command } from 'commander';
import { startEmulator } from '../../emulator/index.js';
import { createLogger } from '../../server/index.js';
import { listenError } from '../listen_error.js';
import { loadDevState, saveDevState } from '../dev/dev_state.js';
import { DEMO_CONNECTION, DEMO_REGION, seedDemo } from '../dev/seed_demo.js';
import { printLine } from '../output.js';
import { style } from '../terminal_style.js';
import { addServerOptions, closeOnSignal, configFromFlags, parsePortFlag, type ServerFlags } from '../server_flags.js';
import { startServerOrExplain } from './serve.js';

interface DevFlags extends ServerFlags {
  emulatorPort: string;
}

/** Not LocalStack's 4566, which many developers already run; when taken anyway, dev picks a free port and says so. */
export const DEV_EMULATOR_PORT = 8566;

const AWS_ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_IAM'] as const;

export function registerDevCommand(program: Command): void {
  addServerOptions(
    program
      .command('dev')
      .description(
        'Run everything locally: the server on SQLite, the AWS STS + IAM emulator, and a demo tenant `acme` with a token config, ' +
          'a workload, a role in the emulator and a working connection. Prints the URLs, the admin token and a command that ' +
          'fetches AWS credentials end to end.',
      ),
  )
    .option('--emulator-port <port>', 'port of the embedded AWS emulator (0 picks a free one; when the default is taken, a free one is picked)', String(DEV_EMULATOR_PORT))
    .action(async (flags: DevFlags, command: Command) => {
      const config = configFromFlags(flags);
      const emulatorPort = parsePortFlag(flags.emulatorPort, '--emulator-port');
      // The banner on stdout is what a developer reads; logs are JSON lines on stderr, warnings only unless
      // ROLEBRIDGE_LOG_LEVEL asks for more, so they never interleave with the banner.
      if (!process.env.ROLEBRIDGE_LOG_LEVEL) config.logLevel = 'warn';
      const logger = createLogger({ level: config.logLevel, destination: process.stderr });
      const devState = loadDevState(config.dataDir);
      config.adminToken ??= devState.adminToken;
      devState.adminToken = config.adminToken;

      const emulator = await startDevEmulator(emulatorPort, command.getOptionValueSource('emulatorPort') === 'default');
      // In-process AWS SDK clients (broker, doctor, database auth) read AWS_ENDPOINT_URL*, as every SDK does:
      // point them at the emulator unless told otherwise.
      if (!AWS_ENDPOINT_VARIABLES.some((name) => process.env[name])) process.env.AWS_ENDPOINT_URL = emulator.url;
      const runtime = await startServerOrExplain(config, { logger }).catch(
        async (error: unknown) => {
          await emulator.close();
          throw error;
        },
      );
      const close = async (): Promise<void> => {
        await runtime.close();
        await emulator.close();
      };
      try {
        const seed = await seedDemo(runtime.url, devState, emulator);
        saveDevState(config.dataDir, devState);
        printDevBanner({ serverUrl: runtime.url, emulatorUrl: emulator.url, adminToken: devState.adminToken, seed, account: emulator.accounts[0] });
      } catch (error) {
        await close();
        throw error;
      }
      await closeOnSignal(close);
    });
}

/** The embedded emulator; on its default port only, a port already taken means "pick a free one" (and say so). */
async function startDevEmulator(port: number, isDefault: boolean): ReturnType<typeof startEmulator> {
  try {
    return await startEmulator({ host: '127.0.0.1', port });
  } catch (error) {
    const explained = listenError(error, { host: '127.0.0.1', port, flag: '--emulator-port' });
    if (!isDefault || explained?.code !== 'port_in_use') throw explained ?? error;
    const emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
    printLine(style.yellow(`Port ${port} is taken, so the AWS emulator listens on ${emulator.url} instead (--emulator-port picks one).`));
    return emulator;
  }
}

function printDevBanner(input: {
  serverUrl: string;
  emulatorUrl: string;
  adminToken: string;
  seed: Awaited<ReturnType<typeof seedDemo>>;
  account: { accountId: string; accessKeyId: string; secretAccessKey: string } | undefined;
}): void {
  const { serverUrl, emulatorUrl, seed } = input;
  const secret = seed.workload.secret;
  printLine(style.bold('rolebridge dev is running'));
  printLine(`  server        ${serverUrl}   (API docs ${serverUrl}/docs)`);
  printLine(`  console       ${serverUrl}/   (sign in with the admin token below)`);
  printLine(`  issuer        ${seed.issuer}   (${seed.issuer}/.well-known/openid-configuration)`);
  printLine(`  aws emulator  ${emulatorUrl}   (account ${input.account?.accountId ?? '?'}, admin keys ${input.account?.accessKeyId ?? '?'} / ${input.account?.secretAccessKey ?? '?'})`);
  printLine(`  admin token   ${input.adminToken}`);
  printLine(`  workload      ${seed.workload.id}   sub ${seed.workload.subject ?? '(per token config)'}`);
  printLine(`  secret        ${secret}`);
  printLine(`  connection    ${seed.connection} → ${seed.roleArn}`);
  printLine('');
  printLine(style.bold('Fetch a token:'));
  printLine(
    `  curl -s -X POST -H 'Authorization: Bearer ${secret}' -H 'Content-Type: application/json' -d '{}' ${serverUrl}/api/v1/token`,
  );
  printLine(style.bold('Fetch AWS credentials end to end (AWS CLI, credentials from rolebridge, STS in the emulator):'));
  // Every credential source the AWS CLI would prefer is switched off (keys, profiles, and the shared files, whose
  // [default] profile outranks the container provider), so the command works whatever the user's ~/.aws holds.
  printLine(
    `  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE -u AWS_DEFAULT_PROFILE ` +
      `AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null ` +
      `AWS_CONTAINER_CREDENTIALS_FULL_URI=${serverUrl}/api/v1/credentials/${DEMO_CONNECTION} ` +
      `AWS_CONTAINER_AUTHORIZATION_TOKEN=${secret} aws sts get-caller-identity --region ${DEMO_REGION} --endpoint-url ${emulatorUrl}`,
  );
  printLine('');
  printLine(style.dim('Development defaults are in use (generated keys and tokens in the data dir). Do not run this in production. Ctrl-C stops.'));
}
