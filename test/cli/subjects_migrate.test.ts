import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startSetupWorld, type CliRun, type SetupWorld } from '../setup/setup_world.js';

/**
 * `rolebridge subjects migrate` END TO END as processes (issue 18): the resource CLI creates tenant globex,
 * its token config and a workload, `setup aws` binds a role of the emulator's IAM for deployment prod, then
 * the playbook plans, applies dual trust with the customer's AWS credentials, verifies, switches, verifies,
 * tightens and verifies — every verdict a real exchange.
 */
const REPO = resolve(import.meta.dirname, '../..');
const CURRENT = 'tenant:{tenant}:deployment:{deployment}:component:{component}';
const NEW_TEMPLATE = '{tenant}/{deployment}/{component}';

describe('rolebridge subjects migrate', { timeout: 600_000 }, () => {
  let world: SetupWorld;
  const migrate = (args: readonly string[], env: Record<string, string> = world.env()): Promise<CliRun> =>
    new Promise((done) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'subjects', 'migrate', '--server', world.server.url, '--tenant', 'globex', '--token-config', 'aws', ...args],
        // A bound for a hung run only: a loaded machine can need minutes per process.
        { cwd: REPO, env, timeout: 300_000 },
        (error, stdout, stderr) => done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
      );
    });
  const trustOf = async (role: string) =>
    JSON.parse(decodeURIComponent((await world.iam.send(new GetRoleCommand({ RoleName: role }))).Role!.AssumeRolePolicyDocument!)) as {
      Statement: Array<{ Sid?: string; Condition: Record<string, Record<string, unknown>> }>;
    };
  const rolebridge = (args: readonly string[]): Promise<CliRun> =>
    new Promise((done) => {
      execFile(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), ...args], { cwd: REPO, env: { ...world.env(), ROLEBRIDGE_SERVER: world.server.url }, timeout: 300_000 }, (error, stdout, stderr) =>
        done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
      );
    });
  const templateNow = async () => {
    const response = await fetch(`${world.server.url}/api/v1/tenants/globex/token-configs`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return ((await response.json()) as { tokenConfigs: Array<{ subjectTemplate: string }> }).tokenConfigs[0]!.subjectTemplate;
  };

  beforeAll(async () => {
    world = await startSetupWorld();
    for (const args of [
      ['tenants', 'create', '--id', 'globex', '--name', 'Globex'],
      ['token-configs', 'create', '--tenant', 'globex', '--name', 'aws', '--subject-template', CURRENT],
      ['workloads', 'create', '--tenant', 'globex', '--deployment', 'prod', '--component', 'etl'],
    ]) {
      const created = await rolebridge(args);
      expect(created.code, created.stderr).toBe(0);
    }
    const setup = await world.runSetup(['--tenant', 'globex', '--token-config', 'aws', '--role-name', 'warehouse', '--deployment', 'prod', '--yes']);
    expect(setup.code, setup.stderr + setup.stdout).toBe(0);
  });
  afterAll(async () => world?.close());

  it('refuses bad input with exit 2 before changing anything', async () => {
    const invalid = await migrate(['--subject-template', 'globex/{nope}', '--plan-only']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('invalid_subject_template');
    const noApproval = await migrate(['--subject-template', NEW_TEMPLATE]);
    expect(noApproval.code).toBe(2);
    expect(noApproval.stderr).toContain('--yes');
    const badScope = await migrate(['--subject-template', NEW_TEMPLATE, '--plan-only', '--scope', 'warehouse']);
    expect(badScope.code).toBe(2);
  });

  it('--plan-only: exit 1 and the connections a switch would break, from real probe exchanges', async () => {
    const run = await migrate(['--subject-template', NEW_TEMPLATE, '--plan-only', '--json', '--scope', 'warehouse=deployment:prod']);
    expect(run.code, run.stderr).toBe(1);
    const answer = JSON.parse(run.stdout) as { ok: boolean; plan: { breaking: string[]; connections: Array<{ admitsCurrent: boolean; admitsNew: boolean }> } };
    expect(answer.ok).toBe(false);
    expect(answer.plan.breaking).toEqual(['warehouse']);
    expect(answer.plan.connections[0]).toMatchObject({ admitsCurrent: true, admitsNew: false });
    expect(run.stderr).toMatch(/connection warehouse .*current format admitted, new format refused \(rb-probe-current-\S+, rb-probe-new-/);
    expect(await templateNow()).toBe(CURRENT);
  });

  it('plans, applies dual trust, verifies, switches, verifies, tightens and verifies: exit 0, the role trusts only the new format', async () => {
    const run = await migrate(['--subject-template', NEW_TEMPLATE, '--yes', '--json', '--scope', 'warehouse=deployment:prod']);
    expect(run.code, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout) as { ok: boolean; steps: Array<{ step: string; status: string }> };
    expect(answer.ok).toBe(true);
    expect(answer.steps.map((step) => [step.step, step.status])).toEqual([
      ['plan', 'ok'],
      ['dual_trust', 'ok'],
      ['verify_dual_trust', 'ok'],
      ['switch', 'ok'],
      ['verify_switch', 'ok'],
      ['tighten', 'ok'],
      ['verify_tighten', 'ok'],
    ]);
    for (const title of ['1/7 Plan', '2/7 Apply dual trust', '3/7 Verify', '4/7 Switch', '5/7 Verify', '6/7 Tighten', '7/7 Verify']) expect(run.stderr).toContain(title);
    expect(await templateNow()).toBe(NEW_TEMPLATE);

    // The role in the emulator's IAM: set-up's statement, now for the new format under the same Sid, and nothing else.
    const prefix = world.issuer.replace(/^http:\/\//, '').replace(/acme$/, 'globex');
    const trust = await trustOf('warehouse');
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]!.Sid).toBe('RolebridgeGlobexAwsDeploymentProd');
    expect(trust.Statement[0]!.Condition.StringLike).toEqual({ [`${prefix}:sub`]: 'globex/prod/*' });

    // AWS saw the probes of both formats, by their labelled session names, and the switch left nothing to do.
    const events = (await (await fetch(`${world.emulator.url}/_emulator/events`)).json()) as Array<{ requestParameters?: { roleSessionName?: string } }>;
    const sessions = events.map((event) => event.requestParameters?.roleSessionName ?? '');
    expect(sessions.some((name) => name.startsWith('rb-probe-current-'))).toBe(true);
    expect(sessions.some((name) => name.startsWith('rb-probe-new-'))).toBe(true);
    const again = await migrate(['--subject-template', NEW_TEMPLATE, '--plan-only']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('the switch is safe');
  });
});
