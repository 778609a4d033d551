/**
 * A usage error (unknown option, missing argument or option) prints the reason on one line and a hint
 * naming the command's help, as git does, and exits 2; it does not bury the reason under the whole help.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { stderrOf } from '../helpers/cli_stderr.js';

describe('a usage error', () => {
  it.each([
    ['an unknown option', ['policy', 'lint', '--no-such-flag', 'x.json'], /unknown option '--no-such-flag'/, 'rolebridge policy lint'],
    ['a missing argument', ['connections', 'test', '--tenant', 'acme'], /missing required argument 'name'/, 'rolebridge connections test'],
    ['a missing required option', ['agent'], /required option '--token-file <path>' not specified/, 'rolebridge agent'],
    ['an unknown option of the program', ['--no-such-flag'], /unknown option '--no-such-flag'/, 'rolebridge'],
  ])('is one line and a hint: %s', async (_name, argv, reason, command) => {
    const { code, stderr } = await stderrOf(() => runCli(argv));
    expect(code).toBe(2);
    const lines = stderr.trimEnd().split('\n');
    expect(lines, stderr).toHaveLength(2);
    expect(lines[0]).toMatch(reason);
    expect(lines[1]).toBe(`Run '${command} --help' for usage.`);
    expect(stderr).not.toContain('Options:');
  });
});
