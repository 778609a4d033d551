import type { Command } from 'commander';
import { registerAwsEmulatorCommand } from './aws_emulator.js';
import { registerConnectionsCommand } from './connections.js';
import { registerDbTokenCommand } from './db_token.js';
import { registerDevCommand } from './dev.js';
import { registerLoginCommand } from './login.js';
import { registerPolicyCommand } from './policy.js';
import { registerServeCommand } from './serve.js';
import { registerSetupCommand } from './setup.js';
import { registerSetupCodeCommand } from './setup_code.js';
import { registerWorkloadCommand } from './workload.js';

/** Every command group registers itself here; one file per group in this folder. */
export const commandRegistrations: Array<(program: Command) => void> = [registerServeCommand, registerDevCommand, registerAwsEmulatorCommand, registerWorkloadCommand, registerSetupCommand, registerSetupCodeCommand, registerPolicyCommand, registerDbTokenCommand, registerConnectionsCommand, registerLoginCommand];
