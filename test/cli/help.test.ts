import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/index.js';

function allCommands(command: Command, prefix: string[] = []): Array<{ path: string; command: Command }> {
  return command.commands.flatMap((child) => {
    const path = [...prefix, child.name()];
    return [{ path: path.join(' '), command: child }, ...allCommands(child, path)];
  });
}

/** Every command CONTRACT.md names exists, says what it does, and documents its options. */
const commands = allCommands(await buildProgram());

describe('CLI help', () => {

  it('has every command of CONTRACT.md', () => {
    expect(commands.map((entry) => entry.path)).toEqual(
      expect.arrayContaining([
        'serve',
        'dev',
        'aws-emulator',
        'policy trust',
        'policy simulate',
        'policy lint',
        'setup aws',
        'connections test',
        'token',
        'credential-process',
        'agent',
        'db-token',
        'publish',
      ]),
    );
  });

  it('describes every command and every option', () => {
    for (const { path, command } of commands) {
      expect(command.description(), path).not.toBe('');
      for (const option of command.options) expect(option.description, `${path} ${option.flags}`).not.toBe('');
      expect(command.helpInformation(), path).toContain('-h, --help');
    }
  });

  it('offers --json where CONTRACT.md promises machine output', () => {
    for (const path of ['policy simulate', 'policy lint', 'setup aws', 'connections test', 'db-token']) {
      const command = commands.find((entry) => entry.path === path)!.command;
      expect(command.options.map((option) => option.long), path).toContain('--json');
    }
  });
});
