import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadVerifyRunLines, setupCliDownload } from '../../src/server/setup_cli_download.js';

/** What the server serves as the set-up CLI: the bytes it read, hashed by itself, never the manifest's word. */
describe('the set-up CLI download', () => {
  it('is undefined where nothing was built', () => {
    expect(setupCliDownload(mkdtempSync(join(tmpdir(), 'rolebridge-no-setup-cli-')))).toBeUndefined();
  });

  it('hashes the bytes it serves, whatever the manifest claims, and prints the lines for them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolebridge-setup-cli-'));
    const bytes = Buffer.from('#!/usr/bin/env node\nconsole.log("set-up");\n');
    writeFileSync(join(dir, 'rolebridge-setup-9.9.9.mjs'), bytes);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: '9.9.9', file: 'rolebridge-setup-9.9.9.mjs', sha256: '0'.repeat(64) }));
    const download = setupCliDownload(dir)!;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(download).toMatchObject({ version: '9.9.9', file: 'rolebridge-setup-9.9.9.mjs', sha256, size: bytes.length });
    expect(downloadVerifyRunLines('https://rb.example.com', download, 'setup aws --setup-code rbs_x')).toEqual([
      'curl -fsSLo rolebridge-setup-9.9.9.mjs https://rb.example.com/setup/rolebridge-setup-9.9.9.mjs',
      `echo "${sha256}  rolebridge-setup-9.9.9.mjs" | sha256sum -c -`,
      'node rolebridge-setup-9.9.9.mjs setup aws --setup-code rbs_x',
    ]);
  });
});
