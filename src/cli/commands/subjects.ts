import type { Writable } from 'node:stream';
import { confirm, isCancel } from '@clack/prompts';
import type { Command } from 'commander';
import type { IAMClient } from '@aws-sdk/client-iam';
import {
  createAwsSetupClients,
  dualTrustChange,
  NEXT_SUBJECT_SID_SUFFIX,
  readRoleTrust,
  tightenTrustChange,
  writeRoleTrust,
  type RoleTrustChange,
} from '../../setup/index.js';
import type { PolicyJson, PolicyStatementJson } from '../../policy/index.js';
import { awsErrorCode, awsErrorMessage } from '../../aws/index.js';
import { CliExit, EXIT_NEGATIVE, usageError } from '../cli_exit.js';
import { printJson } from '../output.js';
import { adminToken, callServer, serverUrl } from '../server_api.js';
import { style } from '../terminal_style.js';

interface MigrateFlags {
  server?: string;
  adminTokenFile?: string;
  tenant?: string;
  tokenConfig?: string;
  subjectTemplate?: string;
  scope: string[];
  planOnly?: boolean;
  profile?: string;
  yes?: boolean;
  json?: boolean;
}

/** The API's plan (`POST …/token-configs/{name}/subject-migration`), as far as the playbook reads it. */
interface MigrationPlan {
  currentTemplate: string;
  subjectTemplate: string;
  breaking: string[];
  workloads: Array<{ id: string; from: string | null; to: string | null; disabled: boolean; problem?: { code: string; message: string } }>;
  connections: Array<{
    name: string;
    roleArn: string;
    workload: string | null;
    scope: string | null;
    currentSubject: string | null;
    newSubject: string | null;
    admitsCurrent: boolean | null;
    admitsNew: boolean | null;
    probes: Array<{ label: string; audience: string; sessionName: string; outcome: string; stsCode?: string }>;
    detail?: string;
    trustPolicy: PolicyJson | null;
    finalTrustPolicy: PolicyJson | null;
  }>;
}

type StepName = 'plan' | 'dual_trust' | 'verify_dual_trust' | 'switch' | 'verify_switch' | 'tighten' | 'verify_tighten';

interface StepReport {
  step: StepName;
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
  connections?: Array<Record<string, unknown>>;
}

const STEP_TITLES: Record<StepName, string> = {
  plan: 'Plan: every sub before and after; does each role admit each format (real exchanges)?',
  dual_trust: "Apply dual trust: add the new format's statement to every role that does not admit it",
  verify_dual_trust: 'Verify: every role admits the new format (probe exchanges)',
  switch: 'Switch: save the new subject template',
  verify_switch: 'Verify: every connection works with the new tokens (connection tests)',
  tighten: 'Tighten: remove the old format from every role',
  verify_tighten: 'Verify: every role refuses the old format and admits the new one (probe exchanges)',
};
const STEP_ORDER = Object.keys(STEP_TITLES) as StepName[];

export function registerSubjectsCommand(program: Command): void {
  const subjects = program.command('subjects').description('Subject formats: plan and carry out a change of a token config\'s subject template.');
  subjects
    .command('migrate')
    .description(
      'Change a token config\'s subject template without breaking a connection: plan (real probe exchanges), apply dual trust to each ' +
        "role with your AWS credentials, verify, switch, verify, tighten, verify (docs/subject-migrations.md). Exit 0 when done (or, with " +
        '--plan-only, when every role already admits the new format), 1 when a verification failed or a change was refused, 2 bad input.',
    )
    .option('--server <url>', 'rolebridge server (default ROLEBRIDGE_SERVER)')
    .option('--admin-token-file <path>', 'file with an admin API key (--plan-only: operator is enough; default ROLEBRIDGE_ADMIN_TOKEN, else `rolebridge login`)')
    .option('--tenant <id>', 'tenant id')
    .option('--token-config <name>', 'token config whose subject template changes')
    .option('--subject-template <template>', 'the new subject template, e.g. tenant/{tenant}/{deployment}/{component}')
    .option('--scope <connection=scope>', 'the scope a connection\'s role trusts (workload:<id> | deployment:<d>[,component:<c>] | tenant); repeatable; default: the probed workload', collect, [])
    .option('--plan-only', 'only plan: print the plan and exit 0 when no connection would break, 1 otherwise')
    .option('--profile <name>', 'AWS profile for the role changes (default: the SDK\'s default credential chain)')
    .option('--yes', 'approve every role change')
    .option('--json', 'print {plan, steps, ok} as one JSON document')
    .action(async (flags: MigrateFlags) => runMigration(flags));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const interactive = (): boolean => Boolean(process.stdin.isTTY && process.stdout.isTTY);

async function runMigration(flags: MigrateFlags): Promise<void> {
  const tenant = required(flags.tenant, '--tenant');
  const tokenConfig = required(flags.tokenConfig, '--token-config');
  const subjectTemplate = required(flags.subjectTemplate, '--subject-template');
  const scopes = parseScopeFlags(flags.scope);
  const server = serverUrl(flags.server);
  const token = await adminToken(flags.adminTokenFile, process.env, server);
  if (!flags.planOnly && !flags.yes && !interactive()) {
    throw usageError('the migration changes roles in your AWS account: pass --yes, run in a terminal to approve each change, or use --plan-only.');
  }
  const out: Writable = flags.json ? process.stderr : process.stdout;
  const say = (line = ''): void => {
    out.write(`${line}\n`);
  };
  const base = `/api/v1/tenants/${encodeURIComponent(tenant)}/token-configs/${encodeURIComponent(tokenConfig)}`;
  const planFor = (template: string): Promise<MigrationPlan> =>
    callServer<MigrationPlan>({ server, token, method: 'POST', path: `${base}/subject-migration`, body: { subjectTemplate: template, ...(scopes ? { scopes } : {}) }, timeoutMs: 120_000 });

  const issuer = (await callServer<{ issuer: string }>({ server, token, method: 'GET', path: `/api/v1/tenants/${encodeURIComponent(tenant)}` })).issuer;
  const heading = (step: StepName): void => say(style.bold(`${STEP_ORDER.indexOf(step) + 1}/${STEP_ORDER.length} ${STEP_TITLES[step]}`));

  // 1. Plan.
  heading('plan');
  const plan = await planFor(subjectTemplate);
  const steps: StepReport[] = [];
  const finish = (ok: boolean, reason?: string): void => {
    for (const step of STEP_ORDER.slice(steps.length)) steps.push({ step, status: 'skipped', detail: 'not reached' });
    if (flags.json) printJson({ plan, steps, ok });
    if (!ok) throw new CliExit(EXIT_NEGATIVE, reason);
  };
  say(`  ${plan.currentTemplate}  →  ${plan.subjectTemplate}`);
  for (const workload of plan.workloads) {
    say(`  workload ${workload.id}${workload.disabled ? ' (disabled)' : ''}: ${workload.from ?? '—'}  →  ${workload.to ?? `— ${workload.problem?.message ?? ''}`}`);
  }
  for (const connection of plan.connections) say(`  connection ${connection.name} (${connection.roleArn}): ${admitsLine(connection)}`);
  if (plan.connections.length === 0) say('  no connection uses this token config.');
  const unrenderable = plan.workloads.filter((workload) => !workload.disabled && workload.to === null);
  if (unrenderable.length > 0) {
    steps.push({ step: 'plan', status: 'failed', detail: `${unrenderable.length} enabled workload(s) have no subject in the new format` });
    return finish(false, `workloads ${unrenderable.map((workload) => workload.id).join(', ')} cannot carry the new format: ${unrenderable[0]!.problem?.message ?? ''}`);
  }
  steps.push({ step: 'plan', status: 'ok', detail: plan.breaking.length === 0 ? 'every role admits the new format' : `would break: ${plan.breaking.join(', ')}`, connections: plan.connections.map(connectionSummary) });
  if (flags.planOnly) {
    say(plan.breaking.length === 0 ? style.green('Every role admits the new format: the switch is safe.') : style.yellow(`A switch now would break: ${plan.breaking.join(', ')}.`));
    if (flags.json) printJson({ plan, steps, ok: plan.breaking.length === 0 });
    if (plan.breaking.length > 0) throw new CliExit(EXIT_NEGATIVE);
    return;
  }

  const aws = createAwsSetupClients({ ...(flags.profile === undefined ? {} : { profile: flags.profile }) });
  try {
    // 2. Dual trust on every role that does not admit the new format yet.
    heading('dual_trust');
    const dual: Array<Record<string, unknown>> = [];
    for (const connection of plan.connections) {
      if (connection.workload === null) {
        // No enabled workload: nothing uses the connection today, and no probe can tell what its role admits.
        say(style.yellow(`  ${connection.name}: skipped (${connection.detail ?? 'no workload to probe'})`));
        dual.push({ name: connection.name, outcome: 'skipped' });
        continue;
      }
      if (connection.admitsNew === true) {
        say(`  ${connection.name}: already admits the new format`);
        dual.push({ name: connection.name, outcome: 'unchanged' });
        continue;
      }
      const next = statementWithSid(connection.trustPolicy, (sid) => sid.endsWith(NEXT_SUBJECT_SID_SUFFIX));
      if (next === undefined) {
        steps.push({ step: 'dual_trust', status: 'failed', detail: `no transition policy for ${connection.name}: ${connection.detail ?? 'no workload to probe'}` });
        return finish(false, `connection ${connection.name} has no transition trust policy (${connection.detail ?? 'no workload to probe'}).`);
      }
      const change = dualTrustChange(await roleTrust(aws.iam, connection.roleArn), next);
      const applied = await applyChange(aws.iam, change, `${connection.name}: add statement ${next.Sid ?? ''} to role ${change.roleName}`, flags, out);
      if (!applied) {
        steps.push({ step: 'dual_trust', status: 'failed', detail: `refused for ${connection.name}`, connections: dual });
        return finish(false, `the change to role ${change.roleName} was refused; nothing else was changed.`);
      }
      for (const warning of change.warnings) say(style.yellow(`  ! ${warning}`));
      dual.push({ name: connection.name, role: change.roleName, outcome: change.outcome });
    }
    steps.push({ step: 'dual_trust', status: 'ok', detail: 'every role trusts both formats', connections: dual });

    // 3. Verify: the new format is admitted everywhere (IAM changes take seconds to reach STS: a few tries).
    heading('verify_dual_trust');
    const proven = await untilAdmitted(() => planFor(subjectTemplate), (answer) => answer.breaking.length === 0);
    for (const connection of proven.connections) say(`  ${connection.name}: ${admitsLine(connection)}`);
    if (proven.breaking.length > 0) {
      steps.push({ step: 'verify_dual_trust', status: 'failed', detail: `still refused: ${proven.breaking.join(', ')}`, connections: proven.connections.map(connectionSummary) });
      return finish(false, `the roles of ${proven.breaking.join(', ')} still refuse the new format; nothing was switched.`);
    }
    steps.push({ step: 'verify_dual_trust', status: 'ok', detail: 'every role admits both formats', connections: proven.connections.map(connectionSummary) });

    // 4. Switch (the server checks again and answers 409 if a role stopped admitting the new format).
    heading('switch');
    await callServer({ server, token, method: 'PATCH', path: base, body: { subjectTemplate }, timeoutMs: 120_000 });
    say(`  ${tokenConfig} now issues ${subjectTemplate}`);
    steps.push({ step: 'switch', status: 'ok', detail: `subject template is ${subjectTemplate}` });

    // 5. Verify: every connection works end to end with the new tokens.
    heading('verify_switch');
    const tests: Array<Record<string, unknown>> = [];
    for (const connection of plan.connections.filter((candidate) => candidate.workload !== null)) {
      const result = await callServer<{ ok: boolean; diagnosis?: { summary?: string } }>({
        server,
        token,
        method: 'POST',
        path: `/api/v1/tenants/${encodeURIComponent(tenant)}/connections/${encodeURIComponent(connection.name)}/test`,
        body: { probes: false, workload: connection.workload },
        timeoutMs: 120_000,
      });
      say(`  ${connection.name}: ${result.ok ? style.green('ok') : style.red(`FAILED ${result.diagnosis?.summary ?? ''}`)}`);
      tests.push({ name: connection.name, ok: result.ok });
    }
    const failedTests = tests.filter((test) => test.ok !== true).map((test) => String(test.name));
    if (failedTests.length > 0) {
      steps.push({ step: 'verify_switch', status: 'failed', detail: `failed: ${failedTests.join(', ')}`, connections: tests });
      return finish(false, `connection tests failed after the switch: ${failedTests.join(', ')}; the roles still trust both formats (switch back with PATCH if needed).`);
    }
    steps.push({ step: 'verify_switch', status: 'ok', detail: 'every connection works with the new format', connections: tests });

    // 6. Tighten: the old format leaves every role.
    heading('tighten');
    const tightened: Array<Record<string, unknown>> = [];
    const lingering: string[] = [];
    for (const connection of plan.connections) {
      const final = statementWithSid(connection.finalTrustPolicy, () => true);
      const next = statementWithSid(connection.trustPolicy, (sid) => sid.endsWith(NEXT_SUBJECT_SID_SUFFIX));
      const probe = connection.probes.find((candidate) => candidate.label === 'current');
      if (final === undefined || next?.Sid === undefined || connection.currentSubject === null || probe === undefined) continue;
      const role = await roleTrust(aws.iam, connection.roleArn);
      const change = tightenTrustChange(role, {
        nextSid: next.Sid,
        final,
        old: { issuer, subject: connection.currentSubject, audience: probe.audience },
      });
      const applied = await applyChange(aws.iam, change, `${connection.name}: trust only the new format on role ${change.roleName}`, flags, out);
      if (!applied) {
        steps.push({ step: 'tighten', status: 'failed', detail: `refused for ${connection.name}`, connections: tightened });
        return finish(false, `the change to role ${change.roleName} was refused; the roles still trust both formats.`);
      }
      for (const statement of change.lingering) {
        say(style.yellow(`  ! ${connection.name}: ${statement} of role ${change.roleName} still admits the old format; it is not rolebridge's, remove it by hand.`));
        lingering.push(`${connection.name}: ${statement}`);
      }
      tightened.push({ name: connection.name, role: change.roleName, outcome: change.outcome, lingering: change.lingering });
    }
    steps.push({ step: 'tighten', status: 'ok', detail: lingering.length === 0 ? 'the old format is gone from every role' : `left by hand: ${lingering.join('; ')}`, connections: tightened });

    // 7. Verify: the old format is refused (plan "back" to it: its admitsNew must be false), the new one admitted.
    heading('verify_tighten');
    const back = await untilAdmitted(
      () => planFor(plan.currentTemplate),
      (answer) => answer.connections.every((connection) => connection.workload === null || (connection.admitsNew === false && connection.admitsCurrent === true)),
    );
    const stillOld = back.connections.filter((connection) => connection.workload !== null && connection.admitsNew !== false).map((connection) => connection.name);
    const refusedNew = back.connections.filter((connection) => connection.workload !== null && connection.admitsCurrent !== true).map((connection) => connection.name);
    for (const connection of back.connections) {
      say(`  ${connection.name}: new format ${yesNo(connection.admitsCurrent)}, old format ${connection.admitsNew === false ? style.green('refused') : style.red('still admitted')}`);
    }
    const verified = stillOld.length === 0 && refusedNew.length === 0;
    steps.push({
      step: 'verify_tighten',
      status: verified ? 'ok' : 'failed',
      detail: verified ? 'every role admits only the new format' : [stillOld.length > 0 ? `old format still admitted: ${stillOld.join(', ')}` : '', refusedNew.length > 0 ? `new format refused: ${refusedNew.join(', ')}` : ''].filter(Boolean).join('; '),
      connections: back.connections.map((connection) => ({ name: connection.name, admitsNew: connection.admitsCurrent, admitsOld: connection.admitsNew })),
    });
    if (!verified) return finish(false, `tightening is not complete: ${steps[steps.length - 1]!.detail}.`);
    say(style.green(`Done: ${tokenConfig} issues ${subjectTemplate}, and every role trusts only that format.`));
    finish(true);
  } finally {
    aws.iam.destroy();
    aws.sts.destroy();
  }
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw usageError(`missing ${flag}.`);
  return value;
}

function parseScopeFlags(values: readonly string[]): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  const scopes: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0 || at === value.length - 1) throw usageError(`--scope takes CONNECTION=SCOPE (e.g. lake=deployment:prod), got '${value}'.`);
    scopes[value.slice(0, at)] = value.slice(at + 1);
  }
  return scopes;
}

function yesNo(value: boolean | null): string {
  return value === null ? style.yellow('undecided') : value ? style.green('admitted') : style.red('refused');
}

function admitsLine(connection: MigrationPlan['connections'][number]): string {
  if (connection.workload === null) return style.yellow(connection.detail ?? 'no workload to probe');
  const sessions = connection.probes.map((probe) => probe.sessionName).join(', ');
  return `current format ${yesNo(connection.admitsCurrent)}, new format ${yesNo(connection.admitsNew)} (${sessions})`;
}

function connectionSummary(connection: MigrationPlan['connections'][number]): Record<string, unknown> {
  return { name: connection.name, admitsCurrent: connection.admitsCurrent, admitsNew: connection.admitsNew };
}

function statementWithSid(policy: PolicyJson | null, match: (sid: string) => boolean): PolicyStatementJson | undefined {
  const statements = policy === null ? [] : Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return (statements as PolicyStatementJson[]).find((statement) => statement.Sid !== undefined && match(statement.Sid));
}

async function roleTrust(iam: IAMClient, roleArn: string): ReturnType<typeof readRoleTrust> {
  try {
    return await readRoleTrust(iam, roleArn);
  } catch (error) {
    throw new CliExit(EXIT_NEGATIVE, `cannot read role ${roleArn} with your AWS credentials: ${awsErrorCode(error) ?? 'error'}: ${awsErrorMessage(error) ?? ''}`);
  }
}

/** Shows a role change and writes it once approved (`--yes`, or a yes on the terminal). */
async function applyChange(iam: IAMClient, change: RoleTrustChange, summary: string, flags: MigrateFlags, out: Writable): Promise<boolean> {
  if (change.outcome === 'unchanged') {
    out.write(`  ${summary}: already so\n`);
    return true;
  }
  out.write(`  ${summary}\n${JSON.stringify(change.document, null, 2).replace(/^/gm, '    ')}\n`);
  if (!flags.yes) {
    const answer = await confirm({ output: out, message: `Apply to role ${change.roleName} (iam:UpdateAssumeRolePolicy)?`, initialValue: true });
    if (isCancel(answer) || !answer) return false;
  }
  try {
    await writeRoleTrust(iam, change);
  } catch (error) {
    throw new CliExit(EXIT_NEGATIVE, `iam:UpdateAssumeRolePolicy on ${change.roleName} failed: ${awsErrorCode(error) ?? 'error'}: ${awsErrorMessage(error) ?? ''}`);
  }
  out.write(style.green(`  ✓ role ${change.roleName} updated\n`));
  return true;
}

/** IAM changes reach STS within seconds: re-plan a few times, with growing pauses, until the condition holds. */
async function untilAdmitted(plan: () => Promise<MigrationPlan>, holds: (plan: MigrationPlan) => boolean): Promise<MigrationPlan> {
  let answer = await plan();
  for (let attempt = 1, delayMs = 1_000; attempt < 5 && !holds(answer); attempt += 1, delayMs *= 2) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    answer = await plan();
  }
  return answer;
}
