import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

/** Redocly's CLI (devDependency), run as its own process: an OpenAPI linter nobody here wrote. */
const REDOCLY = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; severity: 'error' | 'warn'; message: string; location: Array<{ pointer: string }> }>;
}

/**
 * The warnings we accept, each a fact of the route rather than a gap in the document: the health probes answer
 * no 4xx whatever they are sent, `/auth/config` neither (public, no input), and the browser sign-in steps
 * answer with redirects (302/303), never a 2xx.
 */
const ACCEPTED_WARNINGS = [
  'operation-4xx-response #/paths/~1healthz/get/responses',
  'operation-4xx-response #/paths/~1readyz/get/responses',
  'operation-4xx-response #/paths/~1auth~1config/get/responses',
  'operation-2xx-response #/paths/~1auth~1login/get/responses',
  'operation-2xx-response #/paths/~1auth~1callback/get/responses',
];

describe('the OpenAPI document under Redocly\'s recommended ruleset', { timeout: 120_000 }, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ driftWatchIntervalSeconds: 0 });
  });
  afterAll(() => server.close());

  it('has no error, and only the warnings listed above', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolebridge-openapi-'));
    writeFileSync(join(dir, 'openapi.json'), await (await fetch(`${server.url}/openapi.json`)).text());
    const report = await new Promise<LintReport>((resolve, reject) => {
      execFile(
        process.execPath,
        [REDOCLY, 'lint', '--extends', 'recommended', '--format', 'json', 'openapi.json'],
        // Offline and quiet: no telemetry, no update check (CI may have no network).
        { cwd: dir, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' }, timeout: 110_000 },
        (error, stdout, stderr) => {
          // Exit 1 when there are errors; the JSON report is on stdout either way.
          try {
            resolve(JSON.parse(stdout) as LintReport);
          } catch {
            reject(new Error(`redocly lint gave no report (${error?.message ?? 'exit 0'}): ${stderr}`));
          }
        },
      );
    });
    const errors = report.problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}: ${problem.message}`);
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
    const warnings = report.problems.filter((problem) => problem.severity === 'warn').map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}`);
    expect(warnings.sort()).toEqual([...ACCEPTED_WARNINGS].sort());
  });
});
