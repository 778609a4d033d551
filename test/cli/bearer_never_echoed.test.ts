/**
 * A secret that cannot travel as an HTTP header (a second line in the secret file, a non-ASCII character)
 * makes fetch throw with the header value in its message. The CLI and guided set-up must refuse such a
 * secret themselves, as a usage error that never repeats it on stderr.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RolebridgeApiClient } from '../../src/setup/index.js';
import { runCli } from '../../src/cli/index.js';
import { stderrOf } from '../helpers/cli_stderr.js';

const SECRET = 'rb_wl_Sup3rSecretValue0123456789';
// Nothing listens on port 9 (discard): were the secret sent, the call would fail with "cannot reach".
const SERVER = 'http://127.0.0.1:9';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-bearer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a secret that is not a single header-safe word', () => {
  const saved = process.env.ROLEBRIDGE_WORKLOAD_SECRET;
  afterEach(() => {
    if (saved === undefined) delete process.env.ROLEBRIDGE_WORKLOAD_SECRET;
    else process.env.ROLEBRIDGE_WORKLOAD_SECRET = saved;
  });

  it.each([
    ['a second line in the file', `${SECRET}\n# rotated 2026-11-01\n`],
    ['a non-ASCII character', `${SECRET}€`],
    ['a space inside', `${SECRET} ${SECRET}`],
  ])('is a usage error that does not echo it: %s', async (_name, content) => {
    const file = join(dir, 'secret');
    writeFileSync(file, content);
    const { code, stderr } = await stderrOf(() => runCli(['token', '--server', SERVER, '--secret-file', file]));
    expect(code).toBe(2);
    expect(stderr).toMatch(/secret/i);
    expect(stderr).not.toContain('Sup3rSecretValue');
  });

  it('from ROLEBRIDGE_WORKLOAD_SECRET as well', async () => {
    process.env.ROLEBRIDGE_WORKLOAD_SECRET = `${SECRET}\r\nX`;
    const { code, stderr } = await stderrOf(() => runCli(['token', '--server', SERVER]));
    expect(code).toBe(2);
    expect(stderr).not.toContain('Sup3rSecretValue');
  });

  it("guided set-up's API client refuses it without echoing it", async () => {
    const client = new RolebridgeApiClient(SERVER, `${SECRET}\nsecond`);
    const failure = await client.getTenant('acme').then(
      () => undefined,
      (error: unknown) => error as Error & { code?: string },
    );
    expect(failure?.code).toBe('invalid_bearer_token');
    expect(failure?.message).not.toContain('Sup3rSecretValue');
  });
});
