import type { Command } from 'commander';

/**
 * Every command group, by the top-level command words it registers, loaded only when one of them runs:
 * `credential-process` is started by AWS SDKs for every credential refresh and must not pay for the server,
 * SQLite or SDK clients it does not use. One file per group in this folder; add yours here (one entry).
 */
export interface CommandGroup {
  /** The top-level command words the group registers. */
  readonly words: readonly string[];
  load(): Promise<(program: Command) => void>;
}

export const commandGroups: readonly CommandGroup[] = [
  { words: ['serve'], load: async () => (await import('./serve.js')).registerServeCommand },
  { words: ['dev'], load: async () => (await import('./dev.js')).registerDevCommand },
  { words: ['aws-emulator'], load: async () => (await import('./aws_emulator.js')).registerAwsEmulatorCommand },
  { words: ['token', 'credential-process', 'agent'], load: async () => (await import('./workload.js')).registerWorkloadCommand },
  { words: ['setup'], load: async () => (await import('./setup.js')).registerSetupCommand },
  { words: ['setup-code'], load: async () => (await import('./setup_code.js')).registerSetupCodeCommand },
  { words: ['policy'], load: async () => (await import('./policy.js')).registerPolicyCommand },
  { words: ['db-token'], load: async () => (await import('./db_token.js')).registerDbTokenCommand },
  { words: ['connections'], load: async () => (await import('./connections.js')).registerConnectionsCommand },
  { words: ['login'], load: async () => (await import('./login.js')).registerLoginCommand },
  { words: ['publish'], load: async () => (await import('./publish.js')).registerPublishCommand },
  { words: ['subjects'], load: async () => (await import('./subjects.js')).registerSubjectsCommand },
  { words: ['keys'], load: async () => (await import('./keys_rewrap.js')).registerKeysRewrapCommand },
  // Last: the resource commands join the `connections` and `keys` groups registered above.
  {
    words: ['tenants', 'token-configs', 'workloads', 'connections', 'keys', 'api-keys'],
    load: async () => (await import('./resources.js')).registerResourceCommands,
  },
];
